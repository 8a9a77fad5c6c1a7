import { existsSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
 * A host killed (SIGKILL) while MAIN's gate checks a merge: the next host finds the merge
 * `gating`, runs its gate again, and keeps the merge, rolls it back, or leaves it for the
 * operator (merge.rollback), with one alert. The gate is slow only while a file outside the
 * repository says so, so the first run can be caught mid-way and the second is quick.
 */
let host: HostProcess;
let main: string;
let repoId: string;
let notes: string;
/** The slow gate's process: it outlives the killed host, and the next host must end it (ended here by pid should that fail). */
let gatePid: KnownProcess | null = null;
const leftovers: KnownProcess[] = [];

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  notes = realpathSync(makeTempDir('grove-gate-notes-'));
});
afterEach(async () => {
  killLeftovers(leftovers);
  gatePid = null;
  await stopAllHosts();
  removeTempDirs();
});

const gate = (): string =>
  `if [ -e ${notes}/slow ]; then echo $$ > ${notes}/started; exec sleep 120; fi; if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi; echo "artisan ok"`;

const mergesNow = async (): Promise<MergeRecord[]> => ((await api(host, 'merges.list', { repoId })).body.result as { merges: MergeRecord[] }).merges;

/** Merges a lane whose commit adds `file`, and kills the host while the gate runs. Resolves with MAIN's HEAD before the merge. */
async function killDuringGate(file: string, rollback: 'auto' | 'ask'): Promise<string> {
  return interruptGate(file, rollback, () => host.kill9());
}

/** The same, with the host ended by `end` (SIGKILL, or a graceful stop). */
async function interruptGate(file: string, rollback: 'auto' | 'ask', end: () => Promise<unknown>): Promise<string> {
  commitIn(main, 'grove.yaml', `merge:\n  rollback: ${rollback}\n  gate: '${gate()}'\n`, 'recipe');
  host = await startHostProcess();
  repoId = await addRepo(host, main);
  const before = headOf(main);
  const lane = ((await api(host, 'lanes.create', { repoId, name: 'fix' })).body.result as { lane: Lane }).lane;
  commitIn(lane.path, file, 'public function dispatch() {}\n', `add ${file}`);
  writeFileSync(join(notes, 'slow'), '');
  const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null); // the host dies mid-call
  gatePid = known(await pidWritten(join(notes, 'started')));
  leftovers.push(gatePid);
  expect((await mergesNow()).map((m) => m.state)).toEqual(['gating']);
  await end();
  await merging;
  // The next gate is quick, and MAIN holds the unchecked merge.
  rmSync(join(notes, 'slow'));
  expect(headOf(main)).not.toBe(before);
  return before;
}

describe('a host killed during a merge\'s gate', () => {
  it('the next host runs the gate again: it fails, MAIN is rolled back (merge.rollback: auto), one alert', async () => {
    const before = await killDuringGate('BROKEN', 'auto');
    const mergedHead = headOf(main);
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('rolled-back');
    expect(headOf(main)).toBe(before);
    expect(git(main, 'for-each-ref', '--format=%(objectname)', 'refs/grove/rolled-back/')).toContain(mergedHead);
    const about = (await alertsOf(host)).filter((a) => a.includes('The host stopped'));
    expect(about).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}); it ran again on start and failed (exit 255); MAIN was rolled back to ${before.slice(0, 12)}.`,
    ]);
    // Grove's own rollback is no commit outside Grove.
    expect((await alertsOf(host)).filter((a) => a.includes('did not come through') || a.includes('moved outside'))).toEqual([]);
  });

  it('MAIN\'s files are not the merged commit\'s (a rollback cut short left them at the old code): the gate is not run on them, the merge awaits the operator, one alert', async () => {
    await killDuringGate('BROKEN', 'auto');
    const mergedHead = headOf(main);
    // As `reset --keep` cut short leaves it: the files back at the old code, HEAD still at the merge.
    rmSync(join(main, 'BROKEN'));
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('awaiting-rollback');
    expect(headOf(main)).toBe(mergedHead);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}), and MAIN's files are not the merged commit's (changed: BROKEN; a rollback cut short, or edits made since), so the gate was not run again. Check MAIN (git status): roll the merge back (grove merge --rollback) if it must go.`,
    ]);
  });

  it('a file the merge deleted is back in MAIN (the cut-short rollback wrote it): the gate is not run on that tree either', async () => {
    // The lane deletes README.md; the gate would pass with or without it.
    commitIn(main, 'grove.yaml', `merge:\n  rollback: auto\n  gate: '${gate()}'\n`, 'recipe');
    host = await startHostProcess();
    repoId = await addRepo(host, main);
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'fix' })).body.result as { lane: Lane }).lane;
    git(lane.path, 'rm', '-q', 'README.md');
    git(lane.path, 'commit', '-q', '-m', 'drop the readme');
    writeFileSync(join(notes, 'slow'), '');
    const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null);
    gatePid = known(await pidWritten(join(notes, 'started')));
    leftovers.push(gatePid);
    await host.kill9();
    await merging;
    rmSync(join(notes, 'slow'));
    const mergedHead = headOf(main);
    writeFileSync(join(main, 'README.md'), '# flower\n');
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('awaiting-rollback');
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}), and MAIN's files are not the merged commit's (changed: README.md; a rollback cut short, or edits made since), so the gate was not run again. Check MAIN (git status): roll the merge back (grove merge --rollback) if it must go.`,
    ]);
  });

  it('the gate passes when it runs again: the merge stands, one alert; the killed host\'s gate was ended first', async () => {
    await killDuringGate('feature.php', 'auto');
    const mergedHead = headOf(main);
    expect(isRunning(gatePid!)).toBe(true);
    host = await startHostProcess({ home: host.home });
    // Ended before the new host answered: never two gates at once on MAIN.
    expect(isRunning(gatePid!)).toBe(false);
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('merged');
    expect(headOf(main)).toBe(mergedHead);
    await expect.poll(async () => (await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}); it ran again on start and passed: the merge stands.`,
    ]);
  });

  it('MAIN already back at the commit before the merge (the killed host\'s rollback finished by its git): recorded as rolled back, the gate not run again, one alert', async () => {
    const before = await killDuringGate('BROKEN', 'auto');
    const mergedHead = headOf(main);
    git(main, 'reset', '--keep', before); // what the failed gate's rollback does, finished after its host died
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('rolled-back');
    expect(headOf(main)).toBe(before);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}); MAIN is back at the commit before the merge (${before.slice(0, 12)}), so the merge is recorded as rolled back. Merge the lane again once it is fixed.`,
    ]);
    expect((await alertsOf(host)).filter((a) => a.includes('did not come through') || a.includes('moved outside'))).toEqual([]);
  });

  it('a host stopped gracefully ends the gate with it and leaves MAIN unchecked, not rolled back; the next host runs the gate again', async () => {
    let stoppedIn = 0;
    const before = await interruptGate('BROKEN', 'auto', async () => {
      const t0 = Date.now();
      expect(await host.stop()).toBe(0);
      stoppedIn = Date.now() - t0;
    });
    // The gate (sleep 120) did not hold the stop, and is not left for the next host.
    expect(stoppedIn).toBeLessThan(30_000);
    expect(isRunning(gatePid!)).toBe(false);
    const mergedHead = headOf(main);
    expect(mergedHead).not.toBe(before);
    expect(git(main, 'for-each-ref', 'refs/grove/rolled-back/')).toBe('');
    // Still gating: the next host runs the gate again, which now fails quickly, and rolls back.
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('rolled-back');
    expect(headOf(main)).toBe(before);
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      `The host stopped before MAIN's gate had checked the merge of lane fix (${mergedHead.slice(0, 12)}); it ran again on start and failed (exit 255); MAIN was rolled back to ${before.slice(0, 12)}.`,
    ]);
  });

  it('the operator\'s rollback cut short after git\'s reset (host killed): the next host records it rolled back, with one alert and none about MAIN moving', async () => {
    const before = await killDuringGate('BROKEN', 'ask');
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('awaiting-rollback');
    const mergedHead = headOf(main);
    await host.kill9();
    // What merges.rollback does before it records: the rolled-back ref, then git's reset.
    git(main, 'update-ref', `refs/grove/rolled-back/${new Date().toISOString().replace(/[:.]/g, '-')}`, mergedHead);
    git(main, 'reset', '-q', '--keep', before);
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('rolled-back');
    expect(headOf(main)).toBe(before);
    expect((await alertsOf(host)).filter((a) => a.includes('while rolling MAIN back'))).toEqual([
      `The host stopped while rolling MAIN back from the merge of lane fix (${mergedHead.slice(0, 12)}); git had finished it: MAIN is at ${before.slice(0, 12)}, and the merge is recorded as rolled back.`,
    ]);
    expect((await alertsOf(host)).filter((a) => a.includes('did not come through') || a.includes('moved outside'))).toEqual([]);
  });

  it('with merge.rollback: ask, a failing gate leaves the merge for the operator, whose rollback then works', async () => {
    const before = await killDuringGate('BROKEN', 'ask');
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('awaiting-rollback');
    expect((await alertsOf(host)).filter((a) => a.includes('The host stopped'))).toEqual([
      expect.stringMatching(/it ran again on start and failed \(exit 255\)\. MAIN keeps the merge until you roll it back/),
    ]);
    const id = (await mergesNow())[0]!.id;
    const rolled = await api(host, 'merges.rollback', { id });
    expect(rolled.body.ok, JSON.stringify(rolled.body)).toBe(true);
    expect(headOf(main)).toBe(before);
  });
});

const lanesNow = async (): Promise<Lane[]> => ((await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] }).lanes;

describe('an ephemeral lane whose merge landed as its host stopped', () => {
  it('the host killed while removing it (its teardown): the next host removes the lane and its merged branch, one alert', async () => {
    const teardown = `echo $$ > ${notes}/teardown; if [ -e ${notes}/slow ]; then exec sleep 120; fi`;
    commitIn(main, 'grove.yaml', `setup:\n  teardown: ['${teardown}']\n`, 'recipe');
    host = await startHostProcess();
    repoId = await addRepo(host, main);
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'burst', ephemeral: true })).body.result as { lane: Lane }).lane;
    commitIn(lane.path, 'burst.txt', 'done\n', 'add burst.txt');
    writeFileSync(join(notes, 'slow'), '');
    const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null); // the host dies mid-call
    leftovers.push(known(await pidWritten(join(notes, 'teardown'))));
    await host.kill9();
    await merging;
    expect(headOf(main)).toBe(headOf(lane.path));
    expect(existsSync(lane.path)).toBe(true);

    rmSync(join(notes, 'slow'));
    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await alertsOf(host)).filter((a) => a.includes('ephemeral')), { timeout: 15_000 }).toEqual([
      'The ephemeral lane burst was merged into MAIN and not removed (the host stopped first, or its removal was refused): the lane and its merged branch are removed now.',
    ]);
    expect(await lanesNow()).toEqual([]);
    expect(existsSync(lane.path)).toBe(false);
    expect(git(main, 'branch', '--list', lane.branch!)).toBe('');
  });

  it('the host killed during its gate: the next host runs the gate again, it passes, and the lane is removed', async () => {
    commitIn(main, 'grove.yaml', `merge:\n  gate: '${gate()}'\n`, 'recipe');
    host = await startHostProcess();
    repoId = await addRepo(host, main);
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'burst', ephemeral: true })).body.result as { lane: Lane }).lane;
    commitIn(lane.path, 'burst.txt', 'done\n', 'add burst.txt');
    writeFileSync(join(notes, 'slow'), '');
    const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null);
    leftovers.push(known(await pidWritten(join(notes, 'started'))));
    await host.kill9();
    await merging;
    rmSync(join(notes, 'slow'));

    host = await startHostProcess({ home: host.home });
    await expect.poll(async () => (await mergesNow())[0]?.state, { timeout: 15_000 }).toBe('merged');
    await expect.poll(async () => (await alertsOf(host)).filter((a) => a.includes('ephemeral')), { timeout: 15_000 }).toEqual([
      'The ephemeral lane burst was merged into MAIN and not removed (the host stopped first, or its removal was refused): the lane and its merged branch are removed now.',
    ]);
    expect(await lanesNow()).toEqual([]);
    expect(existsSync(lane.path)).toBe(false);
    expect(git(main, 'branch', '--list', lane.branch!)).toBe('');
  });
});

describe('a gate that fails on its own as the host begins to stop', () => {
  it('is a failure, not a gate cut short: that host rolls MAIN back, and the next has nothing to run again', async () => {
    // The gate fails at once; a process it leaves holding its output asks the host to stop a
    // moment later, while Grove still reads what that output holds (RunConstants.drainMs).
    const failing = `if [ -e BROKEN ]; then (sleep 0.3; kill -TERM $(cat ${notes}/host-pid); exec sleep 5) & echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi; echo "artisan ok"`;
    commitIn(main, 'grove.yaml', `merge:\n  gate: '${failing}'\n`, 'recipe');
    host = await startHostProcess();
    writeFileSync(join(notes, 'host-pid'), String(host.pid));
    repoId = await addRepo(host, main);
    const before = headOf(main);
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'fix' })).body.result as { lane: Lane }).lane;
    commitIn(lane.path, 'BROKEN', 'public function dispatch() {}\n', 'add BROKEN');
    const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null);
    expect(await host.exited).toBe(0);
    await merging;
    // Judged by the host whose gate failed: MAIN is back where it was, the merge kept on a ref.
    expect(headOf(main)).toBe(before);
    expect(git(main, 'for-each-ref', '--format=%(objectname)', 'refs/grove/rolled-back/')).toContain(headOf(lane.path));

    host = await startHostProcess({ home: host.home });
    expect((await mergesNow()).map((m) => m.state)).toEqual(['rolled-back']);
    const about = (await alertsOf(host)).filter((a) => a.includes('after merging fix') || a.includes('The host stopped'));
    expect(about).toEqual([`MAIN's gate "${failing}" failed (exit 255) after merging fix; MAIN was rolled back to ${before.slice(0, 12)}.`]);
  });
});

describe('a merge whose lane check passes as the host begins to stop', () => {
  it('merges nothing: MAIN stays as it was, rather than taking a merge only the next host would gate', async () => {
    // The lane's check (unconfined, to reach the host) asks the host to stop, then passes a
    // moment later: deaf to the SIGTERM the stop sends the commands running, it ends on its
    // own within the stop's grace, and the merge goes on while the stop waits for merges.
    const check = `trap "" TERM; kill -TERM $(cat ${notes}/host-pid); sleep 0.5; echo "tests pass"`;
    commitIn(main, 'grove.yaml', `merge:\n  confine: false\n  check: '${check}'\n  gate: '${gate()}'\n`, 'recipe');
    host = await startHostProcess();
    writeFileSync(join(notes, 'host-pid'), String(host.pid));
    repoId = await addRepo(host, main);
    const before = headOf(main);
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'fix' })).body.result as { lane: Lane }).lane;
    commitIn(lane.path, 'fix.txt', 'fixed\n', 'add fix.txt');
    const merging = api(host, 'lanes.merge', { id: lane.id }).catch(() => null);
    expect(await host.exited).toBe(0);
    const answer = await merging;
    if (answer) expect(answer.body.error?.code).toBe('host_stopping');
    expect(headOf(main)).toBe(before);

    host = await startHostProcess({ home: host.home });
    expect(await mergesNow()).toEqual([]);
    expect(headOf(main)).toBe(before);
  });
});
