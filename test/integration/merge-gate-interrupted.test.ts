import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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
  await expect.poll(() => existsSync(join(notes, 'started')), { timeout: 10_000 }).toBe(true);
  gatePid = known(Number(readFileSync(join(notes, 'started'), 'utf8').trim()));
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
