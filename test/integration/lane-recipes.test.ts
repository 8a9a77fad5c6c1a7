import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/shared/events';
import type { JobState } from '../../src/shared/jobs';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, trustRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * grove.yaml's lane recipe against a real host and real git: files copied (an ignored .env,
 * templated per lane, keys stripped in key-less lanes) and linked (git-excluded), hooks
 * that can refuse, setup output streamed as job events, port blocks, teardown, serving.
 */
let host: HostProcess;
let main: string;
let repoId: string;
let marks: string;

/** Commits the recipe and trusts its commands, as the operator does after reviewing them. */
async function writeRecipe(yaml: string): Promise<void> {
  writeFileSync(join(main, 'grove.yaml'), yaml);
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'recipe');
  await trustRepo(host, repoId);
}

beforeEach(async () => {
  const root = realpathSync(makeTempDir());
  marks = join(root, 'marks');
  mkdirSync(marks);
  main = makeRepo(join(root, 'flower'));
  writeFileSync(join(main, '.gitignore'), '.env\n');
  mkdirSync(join(main, 'playbooks'));
  writeFileSync(join(main, 'playbooks', 'deploy.md'), '# deploy\n');
  git(main, 'add', '.gitignore');
  git(main, 'commit', '-q', '-m', 'ignore .env');
  writeFileSync(join(main, '.env'), 'APP_NAME=flower\nAPP_URL=http://flower.test\nOPENAI_API_KEY=sk-live-123\nSTRIPE_SECRET=whsec_9\n');
  host = await startHostProcess({ env: { FLOWER_API_KEY: 'from-the-host-env' } });
  repoId = await addTrustedRepo(host, main);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function create(name: string, extra: Record<string, unknown> = {}): Promise<{ ok: boolean; lane?: Lane; error?: { code: string; message: string } }> {
  const r = await api(host, 'lanes.create', { repoId, name, ...extra });
  return r.body.ok ? { ok: true, lane: (r.body.result as { lane: Lane }).lane } : { ok: false, error: r.body.error! };
}

async function eventsSince(seq: number): Promise<EventEnvelope[]> {
  return ((await api(host, 'events.since', { since: seq })).body.result as { events: EventEnvelope[] }).events;
}

const latestSeq = async (): Promise<number> => ((await api(host, 'host.status')).body.result as { latestEventSeq: number }).latestEventSeq;

describe('a lane recipe', () => {
  it('copies, templates, strips and links files, runs post-create with the lane\'s ports, and streams it all as a job', async () => {
    await writeRecipe(`
lanes:
  keyless: true
setup:
  copy:
    - from: .env
      set:
        APP_URL: http://{{lane}}.test
        VITE_PORT: "{{port+1}}"
  link: [playbooks]
  stripKeys: ["*_API_KEY", STRIPE_SECRET]
  postCreate:
    - echo "installing in $GROVE_LANE_NAME on $GROVE_PORT"
    - echo "key=\${FLOWER_API_KEY:-withheld}" > key.txt
`);
    const since = await latestSeq();
    const r = await create('design');
    expect(r.ok, JSON.stringify(r.error)).toBe(true);
    const lane = r.lane!;
    expect(lane).toMatchObject({ setup: 'done', keyless: true });
    expect(lane.port).toBeGreaterThanOrEqual(41000);

    const env = readFileSync(join(lane.path, '.env'), 'utf8');
    expect(env).toContain('APP_URL=http://design.test');
    expect(env).toContain(`VITE_PORT=${lane.port! + 1}`);
    expect(env).toContain('APP_NAME=flower');
    expect(env).not.toContain('sk-live-123');
    expect(env).not.toContain('whsec_9');
    // MAIN's own .env is untouched.
    expect(readFileSync(join(main, '.env'), 'utf8')).toContain('OPENAI_API_KEY=sk-live-123');
    // A key-less lane's commands do not get the withheld keys either.
    expect(readFileSync(join(lane.path, 'key.txt'), 'utf8').trim()).toBe('key=withheld');

    expect(lstatSync(join(lane.path, 'playbooks')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(lane.path, 'playbooks'))).toBe(join(main, 'playbooks'));
    expect(git(lane.path, 'status', '--porcelain')).toBe('?? key.txt');

    const events = await eventsSince(since);
    const job = events.find((e) => e.event.type === 'job.started')!.event as { job: { id: string; kind: string } };
    expect(job.job.kind).toBe('lane.create');
    const output = events.filter((e) => e.event.type === 'job.output').map((e) => (e.event as { data: string }).data).join('');
    expect(output).toContain(`installing in design on ${lane.port}`);
    const steps = events.filter((e) => e.event.type === 'job.step').map((e) => (e.event as { title: string }).title);
    expect(steps).toContain('copy and link files from MAIN');
    // The job's own end, not the last event: MAIN's guard may tell of the recipe's commit
    // (made outside Grove) at any moment, after the job on a loaded machine.
    const finished = events.filter((e) => e.event.type === 'job.finished' && (e.event as { jobId: string }).jobId === job.job.id);
    expect(finished.map((e) => e.event)).toEqual([expect.objectContaining({ type: 'job.finished', ok: true })]);
    expect(events.findIndex((e) => e === finished[0])).toBeGreaterThan(events.findIndex((e) => e.event.type === 'job.output'));
  });

  it('gives each lane its own block of ten ports, kept across a restart', async () => {
    const a = (await create('a')).lane!;
    const b = (await create('b')).lane!;
    expect(Math.abs(a.port! - b.port!)).toBeGreaterThanOrEqual(10);
    await stopAllHosts();
    host = await startHostProcess({ home: host.home });
    const lanes = ((await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] }).lanes;
    expect(lanes.map((l) => l.port).sort()).toEqual([a.port, b.port].sort());
  });

  it('lets a pre-create hook refuse: nothing is created', async () => {
    await writeRecipe(`
setup:
  preCreate:
    - echo "checking the database"; echo "the database is down" >&2; exit 3
`);
    const r = await create('design');
    expect(r.ok).toBe(false);
    expect(r.error!.code).toBe('lane_setup_failed');
    expect(r.error!.message).toContain('the database is down');
    expect(existsSync(`${main}-design`)).toBe(false);
    expect(git(main, 'branch', '--list', 'design')).toBe('');
  });

  it('keeps a lane whose post-create failed, marked failed', async () => {
    await writeRecipe(`
setup:
  postCreate: [touch half-done, "false"]
`);
    const r = await create('design');
    expect(r.ok).toBe(true);
    expect(r.lane!.setup).toBe('failed');
    expect(existsSync(join(r.lane!.path, 'half-done'))).toBe(true);
  });

  it('runs teardown before removal, and refuses a config with problems, naming the line', async () => {
    await writeRecipe(`
setup:
  teardown:
    - echo "$GROVE_LANE_NAME" > ${marks}/torn-down
`);
    const lane = (await create('design')).lane!;
    const removed = await api(host, 'lanes.remove', { id: lane.id });
    expect(removed.body.ok, JSON.stringify(removed.body)).toBe(true);
    expect(readFileSync(join(marks, 'torn-down'), 'utf8').trim()).toBe('design');

    writeFileSync(join(main, 'grove.yaml'), 'merge:\n  strategy: rebase\n');
    const refused = await create('other');
    expect(refused.error!.code).toBe('config_invalid');
    expect(refused.error!.message).toMatch(/grove\.yaml:2/);
    expect(refused.error!.message).toContain('ff-only');
    const config = (await api(host, 'repos.config', { repoId })).body.result as { problems: { line: number; key: string }[] };
    expect(config.problems[0]).toMatchObject({ line: 2, key: 'merge.strategy' });
  });

  it("runs no pre-create hook for a creation git's checks refuse (MAIN's own branch, a bad name): nothing is provisioned for a lane that never comes", async () => {
    await writeRecipe(`
setup:
  preCreate:
    - touch ${marks}/provisioned
`);
    const mains = await create('fix', { branch: 'main' });
    expect(mains.error).toMatchObject({ code: 'lane_exists', message: expect.stringContaining("is MAIN's own branch") });
    const bad = await create('fix', { branch: 'a..b' });
    expect(bad.error).toMatchObject({ code: 'lane_name_invalid' });
    expect(existsSync(join(marks, 'provisioned'))).toBe(false);
    // A creation that passes them runs it.
    expect((await create('fix')).ok).toBe(true);
    expect(existsSync(join(marks, 'provisioned'))).toBe(true);
  });

  it('starts no agent in a lane while it is being removed, saying so', async () => {
    await writeRecipe(`
setup:
  teardown:
    - sleep 2
`);
    const lane = (await create('design')).lane!;
    const removing = api(host, 'lanes.remove', { id: lane.id });
    // Its job is listed once the removal is under way (the teardown sleeps 2 s).
    await expect.poll(async () => ((await api(host, 'jobs.list', {})).body.result as { jobs: JobState[] }).jobs.some((j) => j.job.title === 'Remove lane design' && j.outcome.kind === 'running'), { timeout: 10_000 }).toBe(true);
    const started = await api(host, 'agents.start', { lanePath: lane.path, preset: 'shell', name: 'late' });
    expect(started.body.error).toMatchObject({ code: 'agent_lane_invalid', message: `The lane ${lane.path} is being removed: no agent starts in it now. Start it in another lane.` });
    expect((await removing).body.ok).toBe(true);
    expect(((await api(host, 'agents.list')).body.result as { agents: unknown[] }).agents).toEqual([]);
  });

  it('keeps a lane in which work appeared while its teardown ran, and removes it with an archive that holds that work', async () => {
    // The teardown stands for anything that writes in the lane meanwhile: an agent started
    // from another window, a person, a slow job.
    await writeRecipe(`
setup:
  teardown:
    - echo "written while the lane was being removed" > late-work.txt
`);
    const lane = (await create('design')).lane!;
    const refused = await api(host, 'lanes.remove', { id: lane.id });
    expect(refused.body.ok).toBe(false);
    expect(refused.body.error).toMatchObject({ code: 'lane_would_lose_work', message: expect.stringContaining('late-work.txt') });
    expect(refused.body.error!.message).toContain('it is kept (its teardown ran');
    expect(readFileSync(join(lane.path, 'late-work.txt'), 'utf8')).toBe('written while the lane was being removed\n');
    expect(((await api(host, 'lanes.list', { repoId })).body.result as { lanes: Lane[] }).lanes.map((l) => l.name)).toContain('design');

    const archived = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(archived.body.ok, JSON.stringify(archived.body)).toBe(true);
    const ref = (archived.body.result as { archiveRef: string }).archiveRef;
    expect(git(main, 'show', `${ref}:late-work.txt`)).toBe('written while the lane was being removed');
    expect(existsSync(lane.path)).toBe(false);
  });

  it('serves a lane with a supervised server on its port, and stops it', async () => {
    await writeRecipe(`
serve:
  command: exec node -e "require('http').createServer((q, s) => s.end('lane ' + process.env.GROVE_LANE_NAME)).listen(+process.env.GROVE_PORT, '127.0.0.1')"
  url: http://127.0.0.1:{{port}}
`);
    const lane = (await create('design')).lane!;
    const served = await api(host, 'lanes.serve', { id: lane.id, on: true });
    expect(served.body.ok, JSON.stringify(served.body)).toBe(true);
    const url = (served.body.result as { lane: Lane }).lane.served!.url;
    expect(url).toBe(`http://127.0.0.1:${lane.port}`);
    await expect.poll(async () => fetch(url).then((r) => r.text()).catch(() => ''), { timeout: 10_000 }).toBe('lane design');

    const off = await api(host, 'lanes.serve', { id: lane.id, on: false });
    expect((off.body.result as { lane: Lane }).lane.served).toBeNull();
    await expect.poll(async () => fetch(url).then(() => 'up').catch(() => 'down')).toBe('down');
  });

  /** Commits a recipe whose server says `up` on the lane's port (after `prelude`, with `extra` recipe lines), serves `design` and waits for it to answer. */
  async function servedDesign(o: { prelude?: string; extra?: string } = {}): Promise<{ lane: Lane; url: string; agentId: string }> {
    await writeRecipe(`${o.extra ?? ''}
serve:
  command: ${o.prelude ?? ''}exec node -e "require('http').createServer((q, s) => s.end('up')).listen(+process.env.GROVE_PORT, '127.0.0.1')"
  url: http://127.0.0.1:{{port}}
`);
    const lane = (await create('design')).lane!;
    const served = await api(host, 'lanes.serve', { id: lane.id, on: true });
    const { url, agentId } = (served.body.result as { lane: Lane }).lane.served!;
    await expect.poll(async () => fetch(url).then((r) => r.text()).catch(() => ''), { timeout: 10_000 }).toBe('up');
    return { lane, url, agentId: agentId! };
  }
  const agentIds = async (): Promise<string[]> => ((await api(host, 'agents.list', {})).body.result as { agents: { id: string }[] }).agents.map((a) => a.id);

  it('an archived removal of a served lane stops its server and keeps the server\'s log with the archive', async () => {
    const { lane, url, agentId } = await servedDesign({ prelude: 'echo "server-of-$GROVE_LANE_NAME listening"; ' });
    const removed = await api(host, 'lanes.remove', { id: lane.id, archive: true });
    expect(removed.body.ok, JSON.stringify(removed.body.error)).toBe(true);
    const ref = (removed.body.result as { archiveRef: string }).archiveRef;
    const log = join(host.home, 'archives', ...ref.slice('refs/grove/archive/'.length).split('/'), `serve-design-${agentId}.log`);
    expect(readFileSync(log, 'utf8')).toContain('server-of-design listening');
    await expect.poll(async () => fetch(url).then(() => 'up').catch(() => 'down')).toBe('down');
    expect(await agentIds()).not.toContain(agentId);
  });

  it('a removal whose teardown fails after the server was stopped keeps the lane, unserved, with no stray server agent left', async () => {
    const { lane, url, agentId } = await servedDesign({ extra: '\nsetup:\n  teardown:\n    - echo the database is locked >&2; exit 3' });
    const removed = await api(host, 'lanes.remove', { id: lane.id });
    expect(removed.body.error).toMatchObject({ code: 'lane_setup_failed', message: expect.stringContaining('the database is locked') });
    const still = ((await api(host, 'lanes.list', {})).body.result as { lanes: Lane[] }).lanes.find((l) => l.id === lane.id);
    expect(still?.served).toBeNull();
    expect(await agentIds()).not.toContain(agentId);
    await expect.poll(async () => fetch(url).then(() => 'up').catch(() => 'down')).toBe('down');
  });

  it('serves a lane through a site recipe (link and unlink commands)', async () => {
    await writeRecipe(`
serve:
  site:
    link: echo linked > ${marks}/{{lane}}.site
    unlink: rm ${marks}/{{lane}}.site
    url: http://{{lane}}.test
`);
    const lane = (await create('design')).lane!;
    const served = await api(host, 'lanes.serve', { id: lane.id, on: true });
    expect((served.body.result as { lane: Lane }).lane.served).toMatchObject({ url: 'http://design.test', mode: 'site' });
    expect(existsSync(join(marks, 'design.site'))).toBe(true);
    // Removing a served lane unlinks its site first.
    expect((await api(host, 'lanes.remove', { id: lane.id })).body.ok).toBe(true);
    expect(existsSync(join(marks, 'design.site'))).toBe(false);
  });

  it('a removal asked while the site is being linked waits for the link, then unlinks it: no link is left to a deleted folder', async () => {
    const hold = join(marks, 'hold');
    writeFileSync(hold, '');
    await writeRecipe(`
serve:
  site:
    link: while [ -e ${hold} ]; do sleep 0.1; done; echo linked > ${marks}/{{lane}}.site
    unlink: rm ${marks}/{{lane}}.site
    url: http://{{lane}}.test
`);
    const lane = (await create('design')).lane!;
    const serving = api(host, 'lanes.serve', { id: lane.id, on: true });
    await expect.poll(async () => ((await api(host, 'jobs.list', {})).body.result as { jobs: JobState[] }).jobs.some((j) => j.job.title.startsWith('Serve design') && j.outcome.kind === 'running'), { timeout: 10_000 }).toBe(true);
    const removing = api(host, 'lanes.remove', { id: lane.id });
    // Long enough for the removal to reach the host and wait on the lock (it cannot be seen
    // waiting: its job starts once it has the lock); were it later, the test would still pass.
    await new Promise((r) => setTimeout(r, 1000));
    rmSync(hold);
    expect((await serving).body.ok).toBe(true);
    expect((await removing).body.ok, 'the removal, after the link').toBe(true);
    expect(existsSync(join(marks, 'design.site'))).toBe(false);
    expect(existsSync(lane.path)).toBe(false);
  });

  it('keeps a served lane whose site unlink fails, saying so, as a failed teardown does', async () => {
    await writeRecipe(`
serve:
  site:
    link: echo linked > ${marks}/{{lane}}.site
    unlink: echo herd is not running >&2; exit 3
    url: http://{{lane}}.test
`);
    const lane = (await create('design')).lane!;
    expect((await api(host, 'lanes.serve', { id: lane.id, on: true })).body.ok).toBe(true);
    const removed = await api(host, 'lanes.remove', { id: lane.id });
    expect(removed.body.error).toMatchObject({ code: 'lane_setup_failed', message: expect.stringContaining('Stopping serving design failed, so it was kept') });
    expect(removed.body.error!.message).toContain('herd is not running');
    const still = ((await api(host, 'lanes.list', {})).body.result as { lanes: Lane[] }).lanes.find((l) => l.id === lane.id);
    expect(still).toMatchObject({ served: { mode: 'site' } });
    expect(existsSync(lane.path)).toBe(true);
  });

  describe('a site-served lane whose folder was deleted by hand', () => {
    const servedThenGone = async (unlink: string): Promise<Lane> => {
      await writeRecipe(`
serve:
  site:
    link: echo linked > ${marks}/{{lane}}.site
    unlink: ${unlink}
    url: http://{{lane}}.test
`);
      const lane = (await create('design')).lane!;
      expect((await api(host, 'lanes.serve', { id: lane.id, on: true })).body.ok).toBe(true);
      rmSync(lane.path, { recursive: true, force: true });
      return lane;
    };
    const removalJob = async (): Promise<JobState> => ((await api(host, 'jobs.list', {})).body.result as { jobs: JobState[] }).jobs.find((j) => j.job.title === 'Remove lane design')!;

    it('is removed, its unlink run in an empty folder of its own (not MAIN\'s): what it undoes elsewhere is undone, a relative path reaches nothing', async () => {
      // The relative `rm` would delete MAIN's README were it run there.
      const lane = await servedThenGone(`rm ${marks}/{{lane}}.site && pwd > ${marks}/unlinked-in && rm -f README.md`);
      const removed = await api(host, 'lanes.remove', { id: lane.id });
      expect(removed.body.ok, JSON.stringify(removed.body.error)).toBe(true);
      expect(existsSync(join(marks, 'design.site'))).toBe(false);
      const ranIn = readFileSync(join(marks, 'unlinked-in'), 'utf8').trim();
      expect(ranIn).not.toBe(main);
      expect(existsSync(ranIn), 'the stand-in folder is removed afterwards').toBe(false);
      expect(existsSync(join(main, 'README.md'))).toBe(true);
      expect((await removalJob()).output).toContain(`${lane.path} is gone: running`);
      expect(((await api(host, 'lanes.list', {})).body.result as { lanes: Lane[] }).lanes.map((l) => l.id)).not.toContain(lane.id);
    });

    it('is removed even when its unlink fails, the job saying to unlink the site by hand: kept, it could never be removed', async () => {
      const lane = await servedThenGone('./bin/unlink-site {{lane}}');
      const removed = await api(host, 'lanes.remove', { id: lane.id });
      expect(removed.body.ok, JSON.stringify(removed.body.error)).toBe(true);
      const job = await removalJob();
      expect(job.outcome).toMatchObject({ kind: 'finished', ok: true });
      expect(job.output).toContain('so design is no longer served; if http://design.test is still linked, unlink it by hand');
      expect(((await api(host, 'lanes.list', {})).body.result as { lanes: Lane[] }).lanes.map((l) => l.id)).not.toContain(lane.id);
    });

    it('is not served again: serving a lane whose folder is gone is refused, running nothing', async () => {
      const lane = await servedThenGone(`rm ${marks}/{{lane}}.site`);
      expect((await api(host, 'lanes.serve', { id: lane.id, on: false })).body.ok).toBe(true);
      rmSync(join(marks, 'design.site'), { force: true });
      const again = await api(host, 'lanes.serve', { id: lane.id, on: true });
      expect(again.body.error).toMatchObject({ code: 'lane_missing', message: expect.stringContaining('is gone, so there is nothing to serve') });
      expect(existsSync(join(marks, 'design.site'))).toBe(false);
    });
  });

  it('refuses a serve.url that is not a web page (a custom scheme would launch another application), running nothing', async () => {
    await writeRecipe(`
serve:
  site:
    link: echo linked > ${marks}/{{lane}}.site
    unlink: rm ${marks}/{{lane}}.site
    url: vscode://open?lane={{lane}}
`);
    const lane = (await create('design')).lane!;
    const served = await api(host, 'lanes.serve', { id: lane.id, on: true });
    expect(served.body.error).toMatchObject({ code: 'config_invalid', message: expect.stringContaining('only http and https links open in the browser, not vscode:') });
    expect(existsSync(join(marks, 'design.site'))).toBe(false);
  });

  it('gives agents in a lane its ports, and withholds a key-less lane\'s keys', async () => {
    await writeRecipe(`
setup:
  stripKeys: ["*_API_KEY"]
`);
    const lane = (await create('design', { keyless: true })).lane!;
    const preview = await api(host, 'agents.preview', { lanePath: lane.path, preset: 'shell' });
    const result = preview.body.result as { env: { name: string; value: string }[]; withheld: string[] };
    expect(result.env.find((e) => e.name === 'GROVE_PORT')?.value).toBe(String(lane.port));
    expect(result.env.some((e) => e.name === 'FLOWER_API_KEY')).toBe(false);
    expect(result.withheld).toContain('FLOWER_API_KEY');
  });

  it('a key-less lane keeps its keys withheld while grove.yaml has problems: as last read without them, else every secret-named one', async () => {
    await writeRecipe(`
setup:
  stripKeys: ["*_API_KEY", DEPLOY_HOOK_URL]
`);
    const env = { FLOWER_API_KEY: 'from-the-host-env', DEPLOY_HOOK_URL: 'https://hooks.example/x', PLAIN_SETTING: 'fine' };
    const home = host.home;
    await host.stop();
    host = await startHostProcess({ home, env });
    const lane = (await create('design', { keyless: true })).lane!;
    const withheld = async (): Promise<string[]> => ((await api(host, 'agents.preview', { lanePath: lane.path, preset: 'shell' })).body.result as { withheld: string[] }).withheld;
    expect(await withheld()).toEqual(expect.arrayContaining(['FLOWER_API_KEY', 'DEPLOY_HOOK_URL']));

    // A typo lands in grove.yaml: the file has a problem, and withholds what it did.
    writeFileSync(join(main, 'grove.yaml'), 'setup:\n  stripKeys: ["*_API_KEY", DEPLOY_HOOK_URL]\n  copyy: [.env]\n');
    expect(await withheld()).toEqual(expect.arrayContaining(['FLOWER_API_KEY', 'DEPLOY_HOOK_URL']));

    // A host that never read it without problems withholds every secret-named variable.
    await host.stop();
    host = await startHostProcess({ home, env });
    const after = await withheld();
    expect(after).toContain('FLOWER_API_KEY');
    expect(after).not.toContain('PLAIN_SETTING');
  });

  it('adopts a worktree made outside Grove', async () => {
    git(main, 'worktree', 'add', '-q', '-b', 'hotfix', `${main}-hotfix`);
    const r = await api(host, 'lanes.adopt', { repoId, path: `${main}-hotfix` });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
    expect((r.body.result as { lane: Lane }).lane).toMatchObject({ name: 'hotfix', branch: 'hotfix', adoptable: false });
    const again = await api(host, 'lanes.adopt', { repoId, path: `${main}-hotfix` });
    expect(again.body.error!.code).toBe('lane_not_adoptable');
    const notATree = await api(host, 'lanes.adopt', { repoId, path: marks });
    expect(notATree.body.error!.code).toBe('lane_not_adoptable');
  });
});
