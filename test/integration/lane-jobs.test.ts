import { existsSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Job } from '../../src/shared/jobs';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { eventsSince } from '../fixtures/host-events';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * Lane jobs end, whatever goes wrong, and a lane is not pulled from under its own setup:
 * a real host, real git, a real post-create that waits for the test to let it go.
 */
let host: HostProcess;
let main: string;
let repoId: string;
let marks: string;

async function start(o: { env?: Record<string, string>; recipe?: string } = {}): Promise<void> {
  const root = realpathSync(makeTempDir());
  marks = join(root, 'marks');
  mkdirSync(marks);
  main = makeRepo(join(root, 'flower'));
  if (o.recipe) {
    writeFileSync(join(main, 'grove.yaml'), o.recipe);
    git(main, 'add', 'grove.yaml');
    git(main, 'commit', '-q', '-m', 'recipe');
  }
  host = await startHostProcess(o.env ? { env: o.env } : {});
  repoId = await addTrustedRepo(host, main);
}

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** Each job the host started, with how it finished (null while it runs). */
async function jobs(): Promise<{ job: Job; finished: { ok: boolean; message: string } | null }[]> {
  const events = await eventsSince(host);
  return events.flatMap((e) => {
    if (e.event.type !== 'job.started') return [];
    const id = e.event.job.id;
    const end = events.find((f) => f.event.type === 'job.finished' && f.event.jobId === id)?.event as { ok: boolean; message: string } | undefined;
    return [{ job: e.event.job, finished: end ? { ok: end.ok, message: end.message } : null }];
  });
}

describe('lane jobs', () => {
  it('ends a removal job as failed when something other than git fails (an archive with no temp dir)', async () => {
    const tmp = join(realpathSync(makeTempDir()), 'gone');
    await start({ env: { TMPDIR: tmp } });
    const lane = (await api(host, 'lanes.create', { repoId, name: 'design' })).body.result as { lane: Lane };
    writeFileSync(join(lane.lane.path, 'notes.txt'), 'untracked but precious\n');

    const removed = await api(host, 'lanes.remove', { id: lane.lane.id, archive: true });
    expect(removed.body.ok).toBe(false);
    expect(existsSync(join(lane.lane.path, 'notes.txt'))).toBe(true);
    const removal = (await jobs()).find((j) => j.job.kind === 'lane.remove');
    expect(removal?.finished).toMatchObject({ ok: false });
    expect(removal!.finished!.message).toMatch(/^Grove failed: ENOENT.*grove-archive-/);
  });

  it('refuses to remove a lane while its setup runs, naming the job; removes it once the setup is over', async () => {
    await start({
      // Bounded, so a failing test cannot leave it looping: at most 30 s.
      recipe: `setup:\n  postCreate:\n    - touch ${'$'}GROVE_MAIN/../marks/started; i=0; while [ ! -e ${'$'}GROVE_MAIN/../marks/release ] && [ ${'$'}i -lt 600 ]; do sleep 0.05; i=${'$'}((i+1)); done\n`,
    });
    try {
      await removalWaitsForSetup();
    } finally {
      writeFileSync(join(marks, 'release'), '');
    }
  });
});

/** The lane's post-create is waiting for `release`: removal is refused until it is over. */
async function removalWaitsForSetup(): Promise<void> {
  const creating = api(host, 'lanes.create', { repoId, name: 'design' });
  await expect.poll(() => existsSync(join(marks, 'started')), { timeout: 15_000 }).toBe(true);
  const lane = ((await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] }).lanes.find((l) => l.name === 'design')!;
  expect(lane.setup).toBe('running');
  const setupJob = (await jobs()).find((j) => j.job.kind === 'lane.create')!;

  const refused = await api(host, 'lanes.remove', { id: lane.id });
  expect(refused.status).toBe(409);
  expect(refused.body.error).toMatchObject({ code: 'lane_setup_running' });
  expect(refused.body.error!.message).toContain(`design's setup is still running (job ${setupJob.job.id}, at "touch`);
  expect(refused.body.error!.message).toContain('Wait for the setup to finish');
  expect(existsSync(lane.path)).toBe(true);
  expect((await jobs()).filter((j) => j.job.kind === 'lane.remove')).toEqual([]);

  writeFileSync(join(marks, 'release'), '');
  const created = await creating;
  expect((created.body.result as { lane: Lane }).lane.setup).toBe('done');
  expect((await jobs()).find((j) => j.job.id === setupJob.job.id)!.finished).toMatchObject({ ok: true });

  const removed = await api(host, 'lanes.remove', { id: lane.id });
  expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
  expect(existsSync(lane.path)).toBe(false);
}
