import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/host/db/database';
import { readSetting } from '../../src/host/db/settings';
import { createEventLog } from '../../src/host/events/event-log';
import { MainGuards } from '../../src/host/health/main-guards';
import { RepoLocks } from '../../src/host/lanes/repo-lock';
import { createLogger } from '../../src/host/logger';
import { createRepoStore } from '../../src/host/repos/repo-store';
import { addWorktree, git, makeRepo } from '../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * "Accept MAIN as it is" against Grove's own merge: the accept waits for the repository
 * lock the merge holds, so it never records a head the merge is about to replace (MAIN
 * would then read as edited outside Grove), nor one its gate is about to roll back.
 * A real repository, the real lock; the merge is played by hand as merge-service.ts does it.
 */
const repoId = 'repo-1';
let db: Db;
let main: string;
let locks: RepoLocks;
let guards: MainGuards;
let alerts: string[];

const head = (): string => git(main, 'rev-parse', 'HEAD');
const acceptMain = async () => guards.handlers()['repos.acceptMain']({ repoId }, undefined as never);
const mainState = async () => guards.handlers()['repos.mainState']({ repoId }, undefined as never);

/** The repository lock held as Grove's merge holds it (MAIN's watcher paused) until `release()`. */
function holdLock(work: { before?: () => void; after: () => void }): { release: () => void; done: Promise<void> } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const done = locks.run(repoId, async () => {
    const resume = guards.pause(repoId);
    try {
      work.before?.();
      await released;
      work.after();
    } finally {
      resume();
    }
  });
  return { release, done };
}

/** Two looks at MAIN, one after the other: an accept that did not wait (one rev-parse, then a look queued between these) has answered by then. */
async function lookTwice(): Promise<void> {
  await mainState();
  await mainState();
}

/** repos.acceptMain asked while the lock is held: still unanswered after MAIN was looked at twice. */
async function acceptBehindLock(): Promise<{ accepting: ReturnType<typeof acceptMain> }> {
  let isAnswered = false;
  const accepting = acceptMain().then((r) => {
    isAnswered = true;
    return r;
  });
  await lookTwice();
  expect(isAnswered).toBe(false);
  return { accepting };
}

beforeEach(async () => {
  const dir = realpathSync(makeTempDir());
  main = makeRepo(join(dir, 'app'));
  const lane = addWorktree(main, join(dir, 'design'), 'design');
  writeFileSync(join(lane, 'design.md'), 'design\n');
  git(lane, 'add', 'design.md');
  git(lane, 'commit', '-q', '-m', 'design work');

  db = openDatabase(join(dir, 'grove.db')).db;
  const repos = createRepoStore(db);
  repos.insert({ id: repoId, name: 'app', mainPath: main, addedAt: new Date().toISOString() });
  const events = createEventLog(db, undefined, undefined, { error: () => {} });
  alerts = [];
  events.subscribe(({ event }) => {
    if (event.type === 'alert') alerts.push(event.message);
  });
  locks = new RepoLocks();
  guards = new MainGuards({ db, repos, events, locks, logger: createLogger(() => undefined) });
  await guards.start();
});
afterEach(() => {
  guards.stop();
  db.close();
  removeTempDirs();
});

describe('accepting MAIN while Grove merges into it', () => {
  it('waits for the merge, then accepts the head the merge left: MAIN reads as Grove left it', async () => {
    const merge = holdLock({
      after: () => {
        git(main, 'merge', '-q', '--ff-only', 'design');
        guards.setKnownHead(repoId, head());
      },
    });
    const { accepting } = await acceptBehindLock();

    merge.release();
    await merge.done;
    const merged = head();
    expect(await accepting).toMatchObject({ ok: true, value: { state: { head: merged, unexpectedCommits: [] } } });
    expect(readSetting(db, `main.knownHead.${repoId}`)).toBe(merged);
    expect(await mainState()).toMatchObject({ ok: true, value: { state: { head: merged, dirty: [], unexpectedCommits: [] } } });
    expect(alerts).toEqual([]);
  });

  it('waits for a gate that rolls the merge back, then accepts MAIN as the rollback left it', async () => {
    const before = head();
    const gate = holdLock({
      before: () => {
        git(main, 'merge', '-q', '--ff-only', 'design');
        guards.setKnownHead(repoId, head());
      },
      after: () => {
        git(main, 'reset', '-q', '--keep', before);
        guards.setKnownHead(repoId, before);
      },
    });
    const { accepting } = await acceptBehindLock();

    gate.release();
    await gate.done;
    expect(head()).toBe(before);
    expect(await accepting).toMatchObject({ ok: true, value: { state: { head: before, unexpectedCommits: [] } } });
    expect(readSetting(db, `main.knownHead.${repoId}`)).toBe(before);
    expect(alerts).toEqual([]);
  });
});
