import { appendFileSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MainGuard } from '../../src/host/health/main-guard';
import { createLogger } from '../../src/host/logger';
import type { MainState } from '../../src/shared/lanes';
import { addWorktree, git, makeRepo } from '../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * MAIN's guard against a real repository and real file events: what it reports, and that
 * it alerts once per transition — never per event, never for Grove's own merge.
 */
let main: string;
let known: string | null;
let alerts: string[];
let states: MainState[];
let guard: MainGuard;


function makeGuard(): MainGuard {
  guard = new MainGuard({
    repoId: 'repo-1',
    mainPath: main,
    knownHead: { get: () => known, set: (h) => void (known = h) },
    onState: (s) => void states.push(s),
    onAlert: (m) => void alerts.push(m),
    logger: createLogger(() => undefined),
    debounceMs: 100,
  });
  return guard;
}

const head = (dir = main): string => git(dir, 'rev-parse', 'HEAD');
const commitFile = (dir: string, file: string, text: string, message: string): string => {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', message);
  return head(dir);
};

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'app'));
  writeFileSync(join(main, '.gitignore'), 'node_modules/\ndist/\n');
  git(main, 'add', '.gitignore');
  git(main, 'commit', '-q', '-m', 'ignore dependencies');
  known = null;
  alerts = [];
  states = [];
});
afterEach(() => {
  guard?.stop();
  removeTempDirs();
});

describe('MAIN guard', () => {
  it('trusts its first look and reports MAIN clean', async () => {
    await makeGuard().start();
    expect(known).toBe(head());
    expect(guard.state()).toEqual({ repoId: 'repo-1', branch: 'main', head: head(), dirty: [], unexpectedCommits: [], preCommitGuard: false });
    expect(states).toHaveLength(1);
    expect(alerts).toEqual([]);
  });

  it('alerts once when MAIN gets dirty, not again for more edits, and reports it clean again', async () => {
    await makeGuard().start();
    const editedAt = Date.now();
    appendFileSync(join(main, 'README.md'), 'an edit in MAIN\n');
    await expect.poll(() => alerts).toHaveLength(1);
    expect(Date.now() - editedAt).toBeLessThan(2_000);
    expect(alerts[0]).toBe(`MAIN (${main}) has uncommitted edits: README.md — edits belong in a lane`);
    expect(guard.state()?.dirty).toEqual(['README.md']);

    appendFileSync(join(main, 'README.md'), 'another\n');
    writeFileSync(join(main, 'notes.txt'), 'scratch\n');
    mkdirSync(join(main, 'src'));
    writeFileSync(join(main, 'src', 'extra.ts'), 'export {};\n');
    await expect.poll(() => guard.state()?.dirty).toEqual(['README.md', 'notes.txt', 'src/']);
    expect(alerts).toHaveLength(1);

    git(main, 'checkout', '--', 'README.md');
    rmSync(join(main, 'notes.txt'));
    rmSync(join(main, 'src'), { recursive: true });
    await expect.poll(() => guard.state()?.dirty).toEqual([]);
    expect(states.at(-1)?.dirty).toEqual([]);
    expect(alerts).toHaveLength(1);

    // Dirty again is a new transition.
    writeFileSync(join(main, 'README.md'), 'again\n');
    await expect.poll(() => alerts).toHaveLength(2);
  });

  it('alerts once for a commit made directly in MAIN, and accept() clears it', async () => {
    await makeGuard().start();
    const before = head();
    const sha = commitFile(main, 'hotfix.txt', 'fix\n', 'hotfix typed in MAIN');
    await expect.poll(() => alerts).toHaveLength(1);
    expect(alerts[0]).toBe(`MAIN got 1 commit that did not come through Grove's merge: ${sha.slice(0, 12)} hotfix typed in MAIN`);
    expect(guard.state()).toMatchObject({ head: sha, dirty: [], unexpectedCommits: [{ sha, subject: 'hotfix typed in MAIN', author: 'Grove Test' }] });
    expect(known).toBe(before);

    await guard.check();
    expect(alerts).toHaveLength(1);

    const accepted = await guard.accept();
    expect(accepted.unexpectedCommits).toEqual([]);
    expect(known).toBe(sha);
    expect(guard.state()?.unexpectedCommits).toEqual([]);
    expect(alerts).toHaveLength(1);

    // Each new HEAD that bypasses Grove is its own alert.
    const two = [commitFile(main, 'a.txt', 'a\n', 'second'), commitFile(main, 'b.txt', 'b\n', 'third')];
    await expect.poll(() => guard.state()?.head).toBe(two[1]);
    await expect.poll(() => alerts).toHaveLength(2);
    expect(alerts[1]).toMatch(/^MAIN got 2 commits that did not come through Grove's merge: /);
    expect(guard.state()?.unexpectedCommits.map((c) => c.subject)).toEqual(['third', 'second']);
  });

  it('reports MAIN reset off the head Grove left as HEAD itself, with a clear subject', async () => {
    commitFile(main, 'x.txt', 'x\n', 'merged through Grove');
    await makeGuard().start();
    const left = head();
    git(main, 'reset', '-q', '--hard', 'HEAD~1');
    await expect.poll(() => alerts).toHaveLength(1);
    expect(alerts[0]).toContain(`does not contain ${left.slice(0, 12)}`);
    const [commit] = guard.state()!.unexpectedCommits;
    expect(commit?.sha).toBe(head());
    expect(commit?.subject).toMatch(/^MAIN moved off .* \(reset or rewritten\); HEAD is now: ignore dependencies$/);
  });

  describe('around Grove\'s own merge', () => {
    let lane: string;
    beforeEach(() => {
      lane = addWorktree(main, `${main}-design`, 'design');
      commitFile(lane, 'design.md', 'design\n', 'design work');
    });

    it('raises nothing when the merge records the head it left, and reports the new state', async () => {
      await makeGuard().start();
      const statesBefore = states.length;
      const resume = guard.pause();
      git(main, 'merge', '-q', '--ff-only', 'design');
      known = head();
      resume();
      await expect.poll(() => guard.state()?.head).toBe(head());
      await guard.check();
      expect(alerts).toEqual([]);
      expect(guard.state()).toMatchObject({ dirty: [], unexpectedCommits: [] });
      expect(states.length).toBe(statesBefore + 1);
    });

    it('defers checks while paused, nested pauses included, and alerts after if MAIN moved without Grove', async () => {
      await makeGuard().start();
      const outer = guard.pause();
      const inner = guard.pause();
      git(main, 'merge', '-q', '--ff-only', 'design');
      appendFileSync(join(main, 'README.md'), 'edited during the merge\n');
      // The marker: a look at MAIN that sees the edit and the merge. Paused, the guard keeps
      // what it saw to itself, and no event can schedule a report until the last resume.
      expect(await guard.check()).toMatchObject({ head: head(), dirty: ['README.md'] });
      expect(alerts).toEqual([]);
      expect(states).toHaveLength(1);
      inner();
      inner(); // a resume function counts once
      expect(await guard.check()).toMatchObject({ head: head(), dirty: ['README.md'] });
      expect(alerts).toEqual([]);
      expect(states).toHaveLength(1);
      outer();
      await expect.poll(() => alerts).toHaveLength(2);
      expect(alerts.join('\n')).toContain('has uncommitted edits: README.md');
      expect(alerts.join('\n')).toContain("did not come through Grove's merge");
    });
  });

  describe('what it watches', () => {
    it('skips git-ignored directories, however many they hold', async () => {
      for (let i = 0; i < 300; i++) mkdirSync(join(main, 'node_modules', `pkg-${i}`, 'lib'), { recursive: true });
      mkdirSync(join(main, 'src', 'app'), { recursive: true });
      writeFileSync(join(main, 'src', 'app', 'main.ts'), 'export {};\n');
      git(main, 'add', 'src');
      git(main, 'commit', '-q', '-m', 'src');
      await makeGuard().start();
      expect(guard.watchedDirs()).toBe(3); // the root, src, src/app
      const statesBefore = states.length;

      writeFileSync(join(main, 'node_modules', 'pkg-7', 'lib', 'index.js'), 'module.exports = 1;\n');
      rmSync(join(main, 'node_modules', 'pkg-8'), { recursive: true });
      // The marker: an edit the guard must report, made after; its report is the only one.
      writeFileSync(join(main, 'marker.txt'), 'seen\n');
      await expect.poll(() => guard.state()?.dirty).toEqual(['marker.txt']);
      expect(states.length).toBe(statesBefore + 1);
      expect(alerts).toEqual([`MAIN (${main}) has uncommitted edits: marker.txt — edits belong in a lane`]);
    });

    it('watches directories created after start, and drops ones that turn out git-ignored', async () => {
      await makeGuard().start();
      expect(guard.watchedDirs()).toBe(1);

      mkdirSync(join(main, 'lib', 'deep'), { recursive: true });
      await expect.poll(() => guard.watchedDirs()).toBe(3);
      commitFile(main, 'lib/deep/a.txt', 'a\n', 'lib');
      await expect.poll(() => guard.state()?.head).toBe(head());
      await guard.accept();
      writeFileSync(join(main, 'lib', 'deep', 'a.txt'), 'changed deep down\n');
      await expect.poll(() => guard.state()?.dirty).toEqual(['lib/deep/a.txt']);

      // A build creates an ignored tree after start: watched at first, dropped once git says so.
      for (let i = 0; i < 50; i++) mkdirSync(join(main, 'dist', `chunk-${i}`), { recursive: true });
      await expect.poll(() => guard.watchedDirs()).toBe(3);
      rmSync(join(main, 'lib'), { recursive: true });
      await expect.poll(() => guard.watchedDirs()).toBe(1);
    });

    it('follows .gitignore changes', async () => {
      mkdirSync(join(main, 'cache', 'a', 'b'), { recursive: true });
      await makeGuard().start();
      expect(guard.watchedDirs()).toBe(4);
      appendFileSync(join(main, '.gitignore'), 'cache/\n');
      await expect.poll(() => guard.watchedDirs()).toBe(1);
      await expect.poll(() => guard.state()?.dirty).toEqual(['.gitignore']);
      // cache/ is no longer watched: an edit there changes nothing.
      writeFileSync(join(main, 'cache', 'a', 'b', 'blob'), 'x');
      // The marker: an edit the guard must report, made after; cache/ is in no report.
      const statesBefore = states.length;
      writeFileSync(join(main, 'marker.txt'), 'seen\n');
      await expect.poll(() => guard.state()?.dirty).toEqual(['.gitignore', 'marker.txt']);
      expect(states.length).toBe(statesBefore + 1);
      expect(guard.watchedDirs()).toBe(1);
    });

    it('stop() closes every watcher and timer', async () => {
      const count = (kind: string): number => process.getActiveResourcesInfo().filter((r) => r === kind).length;
      // Watchers of earlier tests take a moment to be gone; nothing else in this file watches.
      await expect.poll(() => count('FSEventWrap')).toBe(0);
      const timersBefore = count('Timeout');
      mkdirSync(join(main, 'src', 'a'), { recursive: true });
      await makeGuard().start();
      expect(count('FSEventWrap')).toBeGreaterThan(0);
      appendFileSync(join(main, 'README.md'), 'edit\n'); // arms the debounce timer
      await expect.poll(() => count('Timeout')).toBeGreaterThan(timersBefore);
      guard.stop();
      guard.stop();
      expect(guard.watchedDirs()).toBe(0);
      await expect.poll(() => count('FSEventWrap')).toBe(0);
      expect(count('Timeout')).toBeLessThanOrEqual(timersBefore);
      // No watcher and no timer is left (counted above): nothing can report any more.
      expect(alerts).toEqual([]);
    });
  });
});
