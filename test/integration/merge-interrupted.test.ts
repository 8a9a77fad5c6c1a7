import { chmodSync, existsSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lane, MergeRecord } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { alertsOf } from '../fixtures/host-events';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { commitIn, headOf } from '../fixtures/lane-repo';
import { addRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { isRunning, killLeftovers, known, type KnownProcess } from '../fixtures/leftover-processes';
import { pidWritten } from '../fixtures/pid-file';

/**
 * A host killed (SIGKILL) while git merges a lane into MAIN, before Grove has recorded the
 * merge: a git hook in MAIN holds git at the moment wanted (post-merge: the merge is made;
 * pre-merge-commit: its commit is not), the host is killed there, and the hook then ends so
 * git finishes (or gives up) as it would have. The next host must find out what happened
 * from MAIN: a merge made is recorded and its gate run; one half-made is undone.
 */
let host: HostProcess;
let main: string;
let repoId: string;
let notes: string;
/** The hook's process, held until the host is dead; ended here by pid should a test fail first. */
const hookPids: KnownProcess[] = [];

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  notes = realpathSync(makeTempDir('grove-merge-notes-'));
});
afterEach(async () => {
  killLeftovers(hookPids);
  await stopAllHosts();
  removeTempDirs();
});

/** A git process working in `dir` (the host's orphaned merge), found in /proc. */
function gitRunningIn(dir: string): boolean {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .some((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'git' && readlinkSync(`/proc/${pid}/cwd`) === dir;
      } catch {
        return false; // ended meanwhile, or not ours to read
      }
    });
}

const mergesNow = async (): Promise<MergeRecord[]> => ((await api(host, 'merges.list', { repoId })).body.result as { merges: MergeRecord[] }).merges;
const gate = `if [ -e BROKEN ]; then echo "PHP Fatal error"; exit 255; fi; echo "artisan ok"`;

/**
 * Merges a lane whose commit adds `file`, kills the host while MAIN's `hook` runs, then lets
 * git go on (unless `gitGoesOn` is false: git stays held in its hook, alive, for the next
 * host to find). Resolves with MAIN's HEAD before the merge and the lane's commit.
 */
async function killDuringMerge(hook: 'post-merge' | 'pre-merge-commit', file: string, recipe: string, gitGoesOn = true): Promise<{ before: string; commit: string }> {
  commitIn(main, 'grove.yaml', recipe, 'recipe');
  host = await startHostProcess();
  repoId = await addRepo(host, main);
  const before = headOf(main);
  const lane = ((await api(host, 'lanes.create', { repoId, name: 'fix' })).body.result as { lane: Lane }).lane;
  const commit = commitIn(lane.path, file, 'public function dispatch() {}\n', `add ${file}`);
  const hookPath = join(main, '.git', 'hooks', hook);
  // `exec`: the pid written is the sleep itself, so ending it ends the hook.
  writeFileSync(hookPath, `#!/bin/sh\necho $$ > ${notes}/hook\nexec sleep 120\n`);
  chmodSync(hookPath, 0o755);
  const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null); // the host dies mid-call
  hookPids.push(known(await pidWritten(join(notes, 'hook'))));
  await host.kill9();
  await merging;
  rmSync(hookPath);
  if (!gitGoesOn) return { before, commit };
  killLeftovers(hookPids);
  // git, orphaned by the host, ends too (on its next write to the host's pipe); wait for that.
  await expect.poll(() => gitRunningIn(main), { timeout: 10_000 }).toBe(false);
  return { before, commit };
}

describe('a host killed while git merges a lane into MAIN', () => {
  it('after the merge was made: the next host records it and runs MAIN\'s gate, which rolls a failing merge back; no commit is taken for one outside Grove', async () => {
    const { before, commit } = await killDuringMerge('post-merge', 'BROKEN', `merge:\n  gate: '${gate}'\n`);
    // The merge is in MAIN (a fast-forward to the lane's commit), unchecked and unrecorded.
    expect(headOf(main)).toBe(commit);
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow()).map((m) => [m.laneName, m.state, m.mainBefore, m.mainAfter]), { timeout: 15_000 }).toEqual([['fix', 'rolled-back', before, commit]]);
    expect(headOf(main)).toBe(before);
    const alerts = await alertsOf(host);
    expect(alerts.filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${commit.slice(0, 12)}); it ran again on start and failed (exit 255); MAIN was rolled back to ${before.slice(0, 12)}.`,
    ]);
    expect(alerts.filter((a) => a.includes('did not come through') || a.includes('moved outside'))).toEqual([]);
  });

  it('after the merge was made, with no gate: the next host records it as merged, with one alert', async () => {
    const { before, commit } = await killDuringMerge('post-merge', 'feature.php', 'merge:\n  strategy: no-ff\n');
    const merged = headOf(main);
    expect(git(main, 'rev-list', '--parents', '-n', '1', merged).split(' ').slice(1)).toEqual([before, commit]);
    host = await startHostProcess({ home: host.home });
    expect((await mergesNow()).map((m) => [m.state, m.strategy, m.mainAfter])).toEqual([['merged', 'merge-commit', merged]]);
    const alerts = await alertsOf(host);
    expect(alerts.filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, after the merge was made (${merged.slice(0, 12)}): it is recorded now, and stands (MAIN has no gate).`,
    ]);
    expect(alerts.filter((a) => a.includes('did not come through') || a.includes('moved outside'))).toEqual([]);
    // Recorded like any merge: the operator can roll it back.
    const rolled = await api(host, 'merges.rollback', { id: (await mergesNow())[0]!.id });
    expect(rolled.body.ok, JSON.stringify(rolled.body)).toBe(true);
    expect(headOf(main)).toBe(before);
  });

  it('git stopped with the merge\'s files written but nothing staged: the next host leaves them for the operator, and says which', async () => {
    const { before } = await killDuringMerge('pre-merge-commit', 'feature.php', `merge:\n  strategy: no-ff\n`);
    // As if git had stopped while it wrote the working tree, before its index: the lane's file is there, unstaged.
    git(main, 'reset', '-q');
    expect(git(main, 'status', '--porcelain')).toBe('?? feature.php');
    host = await startHostProcess({ home: host.home });
    expect(existsSync(join(main, 'feature.php'))).toBe(true); // nothing deleted
    expect(headOf(main)).toBe(before);
    expect(await mergesNow()).toEqual([]);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, before the merge was made; MAIN's commit is as it was (${before.slice(0, 12)}), but its files differ from it (feature.php): git may have been writing them as it stopped. Grove left MAIN as it is: check it (\`git status\`), restore what git half-wrote (\`git checkout -- FILE\`), then merge the lane again.`,
    ]);
  });

  it('git still merging when the next host starts (held in a hook): that host ends it before it looks, so the merge it undoes cannot land after', async () => {
    const { before } = await killDuringMerge('pre-merge-commit', 'feature.php', `merge:\n  strategy: no-ff\n  gate: '${gate}'\n`, false);
    const hookPid = hookPids[0]!;
    expect(gitRunningIn(main)).toBe(true);
    host = await startHostProcess({ home: host.home });
    // Ended by the new host (the hook and the git that waits on it), not by this test.
    expect(isRunning(hookPid)).toBe(false);
    expect(gitRunningIn(main)).toBe(false);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, before the merge was made; the half-made merge was undone, so MAIN is as it was (${before.slice(0, 12)}). Merge the lane again.`,
    ]);
    // Nothing goes on behind the alert: MAIN stays as it was.
    await new Promise((r) => setTimeout(r, 500));
    expect(headOf(main)).toBe(before);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(await mergesNow()).toEqual([]);
  });

  it('git killed while it held MAIN\'s index (its index.lock left): the next host leaves MAIN as it is and says to remove the lock', async () => {
    const { before } = await killDuringMerge('pre-merge-commit', 'feature.php', `merge:\n  strategy: no-ff\n  gate: '${gate}'\n`);
    const lock = join(main, '.git', 'index.lock');
    writeFileSync(lock, ''); // what a git killed with SIGKILL mid-write leaves
    host = await startHostProcess({ home: host.home });
    expect(existsSync(lock)).toBe(true);
    rmSync(lock);
    expect(git(main, 'status', '--porcelain')).toBe('A  feature.php'); // left as it was: not Grove's to guess
    expect(headOf(main)).toBe(before);
    expect(await mergesNow()).toEqual([]);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, before the merge was made; MAIN's commit is as it was (${before.slice(0, 12)}), but git stopped while it held MAIN's index and left .git/index.lock there. Grove left MAIN as it is: once no git runs in MAIN, remove .git/index.lock, check MAIN (\`git status\`; \`git reset --merge\` undoes a merge left half-made), then merge the lane again.`,
    ]);
  });

  it('an abort cut short (MERGE_HEAD of the lane\'s commit left, the index back at HEAD): the next host finishes undoing it', async () => {
    const { before, commit } = await killDuringMerge('pre-merge-commit', 'feature.php', `merge:\n  strategy: no-ff\n  gate: '${gate}'\n`);
    git(main, 'reset', '-q', '--hard');
    writeFileSync(join(main, '.git', 'MERGE_HEAD'), `${commit}\n`);
    host = await startHostProcess({ home: host.home });
    expect(existsSync(join(main, '.git', 'MERGE_HEAD'))).toBe(false);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(headOf(main)).toBe(before);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, before the merge was made; the half-made merge was undone, so MAIN is as it was (${before.slice(0, 12)}). Merge the lane again.`,
    ]);
  });

  it('after the merge was made, with a commit on top of it since: the next host says the merge landed unrecorded and unchecked', async () => {
    await killDuringMerge('post-merge', 'feature.php', `merge:\n  gate: '${gate}'\n`);
    const onTop = commitIn(main, 'NOTES.md', 'written while the host was down\n', 'notes');
    host = await startHostProcess({ home: host.home });
    expect(headOf(main)).toBe(onTop);
    expect(await mergesNow()).toEqual([]);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      expect.stringContaining(`and MAIN has moved on since (now ${onTop.slice(0, 12)}), with the lane's commit in it: the merge landed, but it is not recorded and MAIN's gate has not checked it.`),
    ]);
  });

  it('before git made the merge commit: the next host undoes the half-made merge, so MAIN is served as it was', async () => {
    const { before } = await killDuringMerge('pre-merge-commit', 'feature.php', `merge:\n  strategy: no-ff\n  gate: '${gate}'\n`);
    // git died with the host (its output pipe gone) and left the lane's changes staged in MAIN.
    expect(headOf(main)).toBe(before);
    expect(git(main, 'status', '--porcelain')).toBe('A  feature.php');
    host = await startHostProcess({ home: host.home });
    expect(existsSync(join(main, 'feature.php'))).toBe(false);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expect(headOf(main)).toBe(before);
    expect(await mergesNow()).toEqual([]);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped while merging lane fix into MAIN, before the merge was made; the half-made merge was undone, so MAIN is as it was (${before.slice(0, 12)}). Merge the lane again.`,
    ]);
  });
});
