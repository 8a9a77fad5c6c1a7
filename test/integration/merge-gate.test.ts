import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/shared/events';
import type { JobState } from '../../src/shared/jobs';
import type { Lane, MainState, MergeCheck, MergeRecord } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, trustRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The single merge point, against a real host and real git: preflight, the lane's check,
 * the merge with its recovery ref, MAIN's gate and its rollback, ephemeral cleanup — and
 * MAIN's watcher, which must stay quiet for Grove's own merges and speak up for others.
 */
let host: HostProcess;
let main: string;
let repoId: string;

const reachable = (): Set<string> => new Set(git(main, 'rev-list', '--all', '--objects').split('\n').map((l) => l.split(' ')[0]!));
const expectNothingLost = (before: Set<string>): void => expect([...before].filter((o) => !reachable().has(o))).toEqual([]);

function commitIn(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', `add ${file}`);
}

/**
 * Commits the recipe in MAIN; a host that runs it must be told to trust it (`trustRepo`).
 * Committed by hand while a host runs, it is accepted as the operator would (a merge is
 * refused while MAIN holds commits that did not come through Grove and were not accepted).
 */
async function writeRecipe(yaml: string): Promise<void> {
  commitIn(main, 'grove.yaml', yaml);
  if (hostUp) expect((await api(host, 'repos.acceptMain', { repoId })).body.ok).toBe(true);
}
let hostUp = false;

beforeEach(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  // MAIN's gate dies the way `php artisan` did when a reserved name was defined.
  await writeRecipe(`
merge:
  check: test -f README.md
  gate: 'if [ -e BROKEN ]; then echo "PHP Fatal error: Cannot redeclare dispatch()"; exit 255; fi; echo "artisan ok"'
`);
  host = await startHostProcess();
  repoId = await addTrustedRepo(host, main);
  hostUp = true;
});
afterEach(async () => {
  hostUp = false;
  await stopAllHosts();
  removeTempDirs();
});

async function lane(name: string, extra: Record<string, unknown> = {}): Promise<Lane> {
  const r = await api(host, 'lanes.create', { repoId, name, ...extra });
  expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  return (r.body.result as { lane: Lane }).lane;
}

type MergeBody = { ok: boolean; result?: { checks: MergeCheck[]; merge: MergeRecord | null; laneRemoved: boolean }; error?: { code: string; message: string; details?: Record<string, unknown> } };
const merge = async (id: string, extra: Record<string, unknown> = {}): Promise<MergeBody> => (await api(host, 'lanes.merge', { id, ...extra })).body as MergeBody;
/** The step a lane's running merge job is at, or null when none runs. */
const runningStepOf = async (laneName: string): Promise<string | null> =>
  ((await api(host, 'jobs.list', {})).body.result as { jobs: JobState[] }).jobs.find((j) => j.job.laneName === laneName && j.outcome.kind === 'running')?.step?.title ?? null;
/**
 * Whether a probe's runs, as it logged them (start, then end or cancelled), never overlapped:
 * each start is followed by its own end, but for the last, which may still be running.
 */
const oneAtATime = (lines: readonly string[]): boolean =>
  lines
    .join(' ')
    .replace(/start (end|cancelled)/g, 'run')
    .replace(/ ?start$/, '')
    .split(' ')
    .every((w) => w === 'run' || w === '');
const alerts = async (): Promise<string[]> =>
  ((await api(host, 'events.since', { since: 0 })).body.result as { events: EventEnvelope[] }).events.flatMap((e) => (e.event.type === 'alert' ? [e.event.message] : []));
const mainState = async (): Promise<MainState> => ((await api(host, 'repos.mainState', { repoId })).body.result as { state: MainState }).state;

describe('merging a lane into MAIN', () => {
  it('is refused while MAIN holds commits made outside Grove that the operator has not accepted; accepted, it goes ahead', async () => {
    const l = await lane('feature');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    // A commit in MAIN by hand, past its guard.
    writeFileSync(join(main, 'hotfix.txt'), 'by hand\n');
    git(main, 'add', 'hotfix.txt');
    execFileSync('git', ['commit', '-q', '-m', 'hotfix by hand'], { cwd: main, env: { ...process.env, GROVE_ALLOW_MAIN_COMMIT: '1' } });
    const byHand = git(main, 'rev-parse', 'HEAD');
    await expect.poll(async () => (await mainState()).unexpectedCommits.map((c) => c.sha)).toEqual([byHand]);

    const refused = await merge(l.id);
    expect(refused.ok).toBe(false);
    expect(refused.error?.message).toContain("MAIN moved outside Grove's merge");
    expect(refused.error?.message).toContain('grove repo accept-main');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(byHand);
    expect((await mainState()).unexpectedCommits.map((c) => c.sha)).toEqual([byHand]);

    expect((await api(host, 'repos.acceptMain', { repoId })).body.ok).toBe(true);
    const merged = await merge(l.id);
    expect(merged.ok, JSON.stringify(merged.error)).toBe(true);
    expect(merged.result!.merge).toMatchObject({ state: 'merged', mainBefore: byHand });
  });

  it('merges through the gate, records a recovery ref, and MAIN\'s watcher stays quiet', async () => {
    const l = await lane('feature');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    const before = git(main, 'rev-parse', 'HEAD');

    const dry = await merge(l.id, { dryRun: true });
    expect(dry.result!.checks.map((c) => [c.name, c.ok])).toEqual([['lane-clean', true], ['main-clean', true], ['ahead', true], ['conflicts', true], ['objects', true], ['check', true]]);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);

    const r = await merge(l.id);
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(r.result!.merge).toMatchObject({ state: 'merged', strategy: 'fast-forward', mainBefore: before, laneName: 'feature' });
    expect(git(main, 'rev-parse', 'HEAD')).toBe(git(l.path, 'rev-parse', 'HEAD'));
    expect(git(main, 'rev-parse', r.result!.merge!.recoveryRef)).toBe(before);
    expect(git(main, 'status', '--porcelain')).toBe('');

    // Give the watcher time to see the change; Grove's own merge raises nothing.
    await expect.poll(async () => (await mainState()).head).toBe(git(main, 'rev-parse', 'HEAD'));
    expect((await mainState()).unexpectedCommits).toEqual([]);
    expect((await alerts()).filter((a) => a.includes('MAIN'))).toEqual([]);
    const listed = (await api(host, 'merges.list', { repoId })).body.result as { merges: MergeRecord[] };
    expect(listed.merges.map((m) => m.state)).toEqual(['merged']);
  });

  it('rolls MAIN back when the gate fails after the merge, with the failing output', async () => {
    const l = await lane('design');
    commitIn(l.path, 'BROKEN', 'public function dispatch() {}\n');
    const before = git(main, 'rev-parse', 'HEAD');
    const objects = reachable();

    const r = await merge(l.id);
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('merge_gate_failed');
    expect(r.error!.message).toContain('Cannot redeclare dispatch()');
    expect(r.error!.details).toMatchObject({ rolledBack: true });
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(existsSync(join(main, 'BROKEN'))).toBe(false);
    expect(git(main, 'status', '--porcelain')).toBe('');
    expectNothingLost(objects);
    expect(await alerts()).toEqual(expect.arrayContaining([expect.stringContaining('rolled back')]));
    // The lane keeps its work, and the rollback did not look like a foreign commit.
    expect(existsSync(join(l.path, 'BROKEN'))).toBe(true);
    await expect.poll(async () => (await mainState()).head).toBe(before);
    expect((await mainState()).unexpectedCommits).toEqual([]);
  });

  it('a failure of Grove itself after the merge (the rollback cannot run) leaves the merge awaiting the operator, said loudly, not "gating"', async () => {
    // The gate fails and takes MAIN's git folder away with it: the rollback's git cannot run.
    await writeRecipe('merge:\n  gate: mv .git .git-away; exit 1\n');
    await trustRepo(host, repoId);
    const l = await lane('design');
    commitIn(l.path, 'feature.txt', 'x\n');
    const before = git(main, 'rev-parse', 'HEAD');
    const r = await merge(l.id);
    expect(r.error).toMatchObject({ code: 'merge_gate_failed', message: expect.stringContaining('MAIN was NOT rolled back'), details: { rolledBack: false } });
    const record = r.error!.details!.merge as MergeRecord;
    expect(record.state).toBe('awaiting-rollback');
    expect(await alerts()).toEqual(expect.arrayContaining([expect.stringContaining('failed before its gate')]));
    // Its folder back, the operator rolls the merge back.
    renameSync(join(main, '.git-away'), join(main, '.git'));
    const rolled = await api(host, 'merges.rollback', { id: record.id });
    expect(rolled.body.ok, JSON.stringify(rolled.body)).toBe(true);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  });

  it("MAIN's probes as its gate: the health monitor waits for the gate rather than run the same probes beside it", async () => {
    // Each run of the probe notes its start and its end, or that it was cancelled, outside MAIN
    // (a file in MAIN would change it).
    const runs = join(makeTempDir(), 'runs.log');
    const probe = `trap 'echo cancelled >> ${runs}; exit 143' TERM INT; echo start >> ${runs}; sleep 1 & wait $!; echo end >> ${runs}`;
    await writeRecipe(JSON.stringify({ health: { debounceMs: 100, probes: [{ name: 'suite', command: probe, intervalSeconds: 3600, failureThreshold: 1 }] } }));
    await trustRepo(host, repoId);
    const ends = (): number => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter((l) => l === 'end').length : 0);
    await expect.poll(ends, { timeout: 10_000 }).toBe(1); // the monitor's first run
    const l = await lane('suite-change');
    commitIn(l.path, 'feature.txt', 'new\n');
    const r = await merge(l.id);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    expect(r.result!.merge!.state).toBe('merged');
    // The gate's run, then the monitor's on the merged MAIN: one after another, never two at
    // once. A round of the monitor's under way when the gate began was cancelled first.
    await expect.poll(ends, { timeout: 15_000 }).toBe(3);
    const lines = readFileSync(runs, 'utf8').trim().split('\n');
    expect(oneAtATime(lines), lines.join(' ')).toBe(true);
  });

  it("a health round under way when MAIN's gate starts is cancelled first, then runs again after the gate", async () => {
    // A long probe run every 3 s, so one is under way when the merge comes.
    const runs = join(makeTempDir(), 'runs.log');
    const probe = `trap 'echo cancelled >> ${runs}; exit 143' TERM INT; echo start >> ${runs}; sleep 3 & wait $!; echo end >> ${runs}`;
    await writeRecipe(JSON.stringify({ health: { debounceMs: 100, probes: [{ name: 'suite', command: probe, intervalSeconds: 3, failureThreshold: 1 }] } }));
    await trustRepo(host, repoId);
    const lines = (): string[] => (existsSync(runs) ? readFileSync(runs, 'utf8').trim().split('\n') : []);
    const l = await lane('suite-change-2');
    commitIn(l.path, 'feature2.txt', 'new\n');
    // A round of the monitor's is running (its probe started, not ended).
    await expect.poll(() => lines().at(-1), { timeout: 15_000 }).toBe('start');
    const r = await merge(l.id);
    expect(r.ok, JSON.stringify(r)).toBe(true);
    // That run was cancelled before the gate's began; the gate's ran alone, then the monitor's again.
    await expect.poll(() => lines().filter((x) => x === 'end').length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const text = lines().join(' ');
    expect(text).toContain('start cancelled start end');
    expect(oneAtATime(lines()), text).toBe(true);
  }, 40_000);

  it('one merge at a time per lane: a second merge or preflight while the first one\'s check runs is refused, naming its job', async () => {
    const hold = join(realpathSync(makeTempDir()), 'hold');
    writeFileSync(hold, '');
    await writeRecipe(`merge:\n  check: 'while [ -e ${hold} ]; do sleep 0.1; done'\n`);
    await trustRepo(host, repoId);
    const l = await lane('design');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    const first = merge(l.id);
    // The first merge's check is running once its job says so.
    await expect.poll(() => runningStepOf('design'), { timeout: 15_000 }).toMatch(/^check:/);
    for (const second of [await merge(l.id), await merge(l.id, { dryRun: true })]) {
      expect(second.error?.code).toBe('merge_running');
      expect(second.error?.message).toMatch(/^design is being merged already \(job .+\); a second merge or preflight would run beside it in the same folder/);
    }
    // Nor is the lane removed from under its check.
    const removal = (await api(host, 'lanes.remove', { id: l.id, archive: true })).body as MergeBody;
    expect(removal.error?.code).toBe('merge_running');
    expect(removal.error?.message).toMatch(/^design is being merged \(job .+\): its check runs in the lane's folder/);
    expect(existsSync(l.path)).toBe(true);
    rmSync(hold);
    const done = await first;
    expect(done.ok, JSON.stringify(done)).toBe(true);
    expect(done.result!.merge!.state).toBe('merged');
    // Over: the lane can be looked at again.
    expect((await merge(l.id, { dryRun: true })).error?.code).not.toBe('merge_running');
  }, 40_000);

  it('a lane being removed (its teardown running) is not merged meanwhile: the merge is refused, not run in a folder about to go', async () => {
    const hold = join(realpathSync(makeTempDir()), 'hold');
    writeFileSync(hold, '');
    await writeRecipe(`setup:\n  teardown:\n    - 'while [ -e ${hold} ]; do sleep 0.1; done'\n`);
    await trustRepo(host, repoId);
    const l = await lane('design');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    // Removed with an archive, which keeps its commit: the removal goes on to the teardown.
    const removing = api(host, 'lanes.remove', { id: l.id, archive: true });
    await expect.poll(() => runningStepOf('design'), { timeout: 15_000 }).toMatch(/while \[/);
    const merged = await merge(l.id);
    expect(merged.error?.code).toBe('merge_preflight_failed');
    expect(merged.error?.message).toBe('design is being removed; it is not merged. Create the lane again if its work is still wanted (its branch stays, and an archive keeps the rest).');
    rmSync(hold);
    expect((await removing).body.ok, 'the removal').toBe(true);
    expect(existsSync(l.path)).toBe(false);
  }, 40_000);

  it('grove.yaml\'s merge settings changed in MAIN while the check ran: the merge is refused, not made under the settings it read before', async () => {
    const hold = join(realpathSync(makeTempDir()), 'hold');
    writeFileSync(hold, '');
    await writeRecipe(`merge:\n  rollback: ask\n  check: 'while [ -e ${hold} ]; do sleep 0.1; done'\n`);
    await trustRepo(host, repoId);
    const l = await lane('design');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    const before = git(main, 'rev-parse', 'HEAD');
    const first = merge(l.id);
    await expect.poll(() => runningStepOf('design'), { timeout: 15_000 }).toMatch(/^check:/);
    // Another merge lands meanwhile and changes how merges roll back.
    await writeRecipe(`merge:\n  rollback: auto\n  check: 'while [ -e ${hold} ]; do sleep 0.1; done'\n`);
    const moved = git(main, 'rev-parse', 'HEAD');
    rmSync(hold);
    const done = await first;
    expect(done.error?.code).toBe('merge_preflight_failed');
    expect(done.error?.message).toBe("design cannot be merged: grove.yaml's merge settings or MAIN's probes changed while its check ran (a merge landed meanwhile); merge again to be checked and gated by them.");
    expect(git(main, 'rev-parse', 'HEAD')).toBe(moved);
    expect(moved).not.toBe(before);
  }, 40_000);

  it('with rollback: ask, keeps the merge until the operator rolls it back', async () => {
    await writeRecipe('merge:\n  rollback: ask\n  gate: test ! -e BROKEN\n');
    await trustRepo(host, repoId);
    const l = await lane('design');
    commitIn(l.path, 'BROKEN', 'x\n');
    const before = git(main, 'rev-parse', 'HEAD');
    const r = await merge(l.id);
    expect(r.error!.code).toBe('merge_gate_failed');
    const record = r.error!.details!.merge as MergeRecord;
    expect(record.state).toBe('awaiting-rollback');
    expect(existsSync(join(main, 'BROKEN'))).toBe(true);
    // Unregistering the repository now would forget the merge, and the rollback with it: refused, saying how to roll back.
    const blockersOf = async (): Promise<string[]> => ((await api(host, 'repos.remove', { id: repoId })).body as { error?: { details?: { blockers?: string[] } } }).error?.details?.blockers ?? [];
    expect(await blockersOf()).toContain(`MAIN still holds the merge of design, whose gate failed: roll it back first (grove merge --rollback ${record.id}, or Roll back in the cockpit)`);

    const rolled = await api(host, 'merges.rollback', { id: record.id });
    expect(rolled.body.ok, JSON.stringify(rolled.body)).toBe(true);
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(existsSync(join(main, 'BROKEN'))).toBe(false);
    // The undone merge, named: the merged work, also once its lane is gone.
    const { keptRef } = rolled.body.result as { keptRef: string };
    expect(keptRef).toMatch(/^refs\/grove\/rolled-back\//);
    expect(git(main, 'rev-parse', keptRef)).toBe(record.mainAfter);
    const again = await api(host, 'merges.rollback', { id: record.id });
    expect(again.body.error!.code).toBe('merge_not_rollbackable');
    // Rolled back, the merge stands in the way no more (the lane's unmerged work still does).
    expect((await blockersOf()).some((b) => b.startsWith('MAIN still holds'))).toBe(false);
    expect(await blockersOf()).toEqual([expect.stringContaining('lane design holds work')]);
  });

  it('refuses, listing why: a dirty lane, nothing to merge, a failing check, a conflict, MAIN dirty', async () => {
    const l = await lane('feature');
    const nothing = await merge(l.id);
    expect(nothing.error!.code).toBe('merge_preflight_failed');
    expect((nothing.error!.details!.checks as MergeCheck[]).find((c) => c.name === 'ahead')!.ok).toBe(false);

    commitIn(l.path, 'a.txt', 'a\n');
    writeFileSync(join(l.path, 'wip.txt'), 'half\n');
    const dirty = await merge(l.id);
    const laneClean = (dirty.error!.details!.checks as MergeCheck[]).find((c) => c.name === 'lane-clean')!;
    expect(laneClean.ok).toBe(false);
    expect(laneClean.detail.join(' ')).toContain('wip.txt');

    // The operator commits from the dialog: the edits go into the lane, then the merge runs.
    const committed = await merge(l.id, { commitMessage: 'wip: half' });
    expect(committed.ok, JSON.stringify(committed.error)).toBe(true);
    expect(git(main, 'log', '-1', '--format=%s')).toBe('wip: half');

    const c = await lane('conflict');
    commitIn(c.path, 'README.md', '# theirs\n');
    commitIn(main, 'README.md', '# ours\n');
    await api(host, 'repos.acceptMain', { repoId });
    const conflicted = await merge(c.id);
    const conflicts = (conflicted.error!.details!.checks as MergeCheck[]).find((x) => x.name === 'conflicts')!;
    expect(conflicts.ok).toBe(false);
    expect(conflicts.detail).toContain('README.md');
    expect(git(main, 'status', '--porcelain')).toBe('');

    await writeRecipe("merge:\n  check: 'echo \"2 tests failed\"; exit 1'\n");
    await trustRepo(host, repoId);
    const k = await lane('checked');
    commitIn(k.path, 'k.txt', 'k\n');
    const failing = await merge(k.id);
    const check = (failing.error!.details!.checks as MergeCheck[]).find((x) => x.name === 'check')!;
    expect(check.ok).toBe(false);
    expect(check.detail.join('\n')).toContain('2 tests failed');

    writeFileSync(join(main, 'README.md'), 'edited in MAIN\n');
    const mainDirty = await merge(k.id, { dryRun: true });
    expect(mainDirty.result!.checks.find((x) => x.name === 'main-clean')!.ok).toBe(false);
  });

  it('removes an ephemeral lane and its merged branch after a good merge', async () => {
    const l = await lane('burst', { ephemeral: true });
    commitIn(l.path, 'burst.txt', 'done\n');
    const r = await merge(l.id);
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    expect(r.result!.laneRemoved).toBe(true);
    expect(existsSync(l.path)).toBe(false);
    expect(git(main, 'branch', '--list', 'burst')).toBe('');
    expect(git(main, 'cat-file', '-p', 'HEAD:burst.txt')).toBe('done');
  });
});

describe('MAIN\'s watcher', () => {
  it('raises one alert for edits in MAIN and one for a commit that bypassed Grove', async () => {
    await mainState();
    writeFileSync(join(main, 'README.md'), 'edited directly in MAIN\n');
    await expect.poll(async () => (await mainState()).dirty).toEqual(['README.md']);
    writeFileSync(join(main, 'README.md'), 'edited again\n');
    await expect.poll(async () => (await alerts()).filter((a) => a.includes('uncommitted edits'))).toEqual([`MAIN (${main}) has uncommitted edits: README.md — edits belong in a lane`]);

    git(main, 'commit', '-q', '-am', 'hotfix straight into MAIN');
    await expect.poll(async () => (await alerts()).filter((a) => a.includes('did not come through Grove'))).toEqual([
      expect.stringMatching(/^MAIN got 1 commit that did not come through Grove's merge: [0-9a-f]+ hotfix straight into MAIN/),
    ]);
    expect((await mainState()).unexpectedCommits.map((c) => c.subject)).toEqual(['hotfix straight into MAIN']);

    const accepted = await api(host, 'repos.acceptMain', { repoId });
    expect((accepted.body.result as { state: MainState }).state.unexpectedCommits).toEqual([]);
  });

  it('a repository removed while the lane\'s check runs: the merge does not reach MAIN', async () => {
    await writeRecipe('merge:\n  check: sleep 2\n');
    await trustRepo(host, repoId);
    const l = await lane('feature');
    commitIn(l.path, 'feature.txt', 'bloom\n');
    // Its commits are on a remote too, so removing the repository loses nothing and is allowed.
    const remote = join(realpathSync(makeTempDir()), 'origin.git');
    git(main, 'init', '-q', '--bare', remote);
    git(main, 'remote', 'add', 'origin', remote);
    git(l.path, 'push', '-q', 'origin', 'feature');
    const before = git(main, 'rev-parse', 'HEAD');
    const merging = merge(l.id);
    await new Promise((r) => setTimeout(r, 500));
    const removed = await api(host, 'repos.remove', { id: repoId });
    expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
    const r = await merging;
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ code: 'merge_preflight_failed', message: expect.stringContaining('its repository was removed while its check ran') });
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
  });
});

describe('secrets in the check\'s and the gate\'s output', () => {
  it('masks the values of secret-named variables in the job log, the check\'s detail and the merge record', async () => {
    await stopAllHosts();
    hostUp = false;
    const secret = 'sk-live-4f9a2c7e1b0d';
    await writeRecipe(`
merge:
  check: 'echo "check sees $DEMO_API_KEY"; test -f README.md || exit 1'
  gate: 'echo "gate sees $DEMO_API_KEY"; exit 3'
`);
    host = await startHostProcess({ env: { DEMO_API_KEY: secret } });
    repoId = await addTrustedRepo(host, main);
    const l = await lane('leaky');
    commitIn(l.path, 'leak.txt', 'x\n');
    rmSync(join(l.path, 'README.md'));
    git(l.path, 'commit', '-qam', 'no readme');
    const refused = await merge(l.id);
    const check = refused.result?.checks.find((c) => c.name === 'check') ?? (refused.error?.details?.checks as MergeCheck[] | undefined)?.find((c) => c.name === 'check');
    expect(check?.ok).toBe(false);
    expect(check!.detail.join('\n')).toContain('check sees ');
    expect(check!.detail.join('\n')).not.toContain(secret);

    const ok = await lane('gated');
    commitIn(ok.path, 'gated.txt', 'x\n');
    const gated = await merge(ok.id);
    const record = gated.result?.merge ?? (gated.error?.details?.merge as MergeRecord | undefined);
    expect(record?.gateOutput).toContain('gate sees ');
    expect(record!.gateOutput).not.toContain(secret);
    const log = ((await api(host, 'events.since', { since: 0 })).body.result as { events: EventEnvelope[] }).events.flatMap((e) => (e.event.type === 'job.output' ? [e.event.data] : [])).join('');
    expect(log).toContain('gate sees ');
    expect(log).toContain('check sees ');
    expect(log).not.toContain(secret);
  });
});
