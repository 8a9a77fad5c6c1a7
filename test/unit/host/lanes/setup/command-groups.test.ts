import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../../src/host/db/database';
import { COMMAND_GROUP_VAR, createCommandGroups } from '../../../../../src/host/lanes/setup/command-groups';
import { runCommands } from '../../../../../src/host/lanes/setup/run-commands';
import { carriesMarker, isProcessRunning, listProcesses } from '../../../../../src/host/terminals/process-tree';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

/**
 * Recorded command groups against real processes: what a previous host left is ended, a
 * stranger holding its ids is not, what outlived SIGKILL stays on record, and nothing starts
 * once the host's stop has ended what ran.
 */
const started: ChildProcess[] = [];
const freezers: Freezer[] = [];
afterEach(async () => {
  for (const c of started.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  // Thawed after the SIGKILL: what a failed test left frozen dies of it.
  for (const f of freezers.splice(0)) await f.remove();
  removeTempDirs();
});

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };

function group(env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  started.push(c);
  return c;
}

/** The live processes carrying `marker` in their environment. */
const marked = (marker: string): number[] => listProcesses().filter((p) => carriesMarker(p.pid, `${COMMAND_GROUP_VAR}=${marker}\0`) && isProcessRunning(p.pid)).map((p) => p.pid);

const recordsIn = (db: Db): unknown => db.prepare('SELECT count(*) AS n FROM command_groups').get();

/**
 * A cgroup-v1 freezer group (Linux, where root may write the freezer): a process frozen in
 * it takes no signal, SIGKILL included, until thawed, as a process stuck in the kernel (a
 * read from a hung NFS mount) does not die. Thawed, it takes the SIGKILL it holds.
 */
interface Freezer {
  freeze(pids: readonly number[]): void;
  /** Thaws, then removes the group once the processes it held are gone. */
  remove(): Promise<void>;
}

const FREEZER_ROOT = '/sys/fs/cgroup/freezer';

function makeFreezer(): Freezer {
  const dir = join(FREEZER_ROOT, `grove-test-${randomUUID()}`);
  mkdirSync(dir);
  const freezer: Freezer = {
    freeze: (pids) => {
      for (const pid of pids) writeFileSync(join(dir, 'cgroup.procs'), String(pid));
      writeFileSync(join(dir, 'freezer.state'), 'FROZEN');
    },
    remove: async () => {
      if (!existsSync(dir)) return;
      writeFileSync(join(dir, 'freezer.state'), 'THAWED');
      // A group still holding processes cannot be removed: they are leaving.
      await expect.poll(() => rmdirOk(dir)).toBe(true);
    },
  };
  freezers.push(freezer);
  return freezer;
}

function rmdirOk(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}

/** Whether a freezer group can be made here (Linux, cgroup v1's freezer mounted, root). */
function canFreeze(): boolean {
  const dir = join(FREEZER_ROOT, `grove-probe-${randomUUID()}`);
  try {
    mkdirSync(dir);
  } catch {
    return false;
  }
  rmdirSync(dir);
  return true;
}

describe.runIf(process.platform === 'linux')('command groups', () => {
  it('ends the processes of a command a previous host recorded, and forgets it', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const marker = randomUUID();
    const c = group({ [COMMAND_GROUP_VAR]: marker });
    createCommandGroups(db).started(marker, c.pid!, 'sleep 30');
    await expect.poll(() => isProcessRunning(c.pid!)).toBe(true);

    await createCommandGroups(db).reconcile(logger);
    await expect.poll(() => isProcessRunning(c.pid!)).toBe(false);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });

  it('leaves alone a process that holds a recorded group id without the marker (a reused pid)', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const stranger = group({});
    createCommandGroups(db).started(randomUUID(), stranger.pid!, 'sleep 30');
    await createCommandGroups(db).reconcile(logger);
    expect(isProcessRunning(stranger.pid!)).toBe(true);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });

  it.runIf(canFreeze())('keeps the record of a command that outlived SIGKILL, so the next host ends it', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const marker = randomUUID();
    const c = spawn('sleep', ['30'], { detached: true, stdio: 'ignore', env: { ...process.env, [COMMAND_GROUP_VAR]: marker } });
    started.push(c);
    createCommandGroups(db).started(marker, c.pid!, 'sleep 30');
    const freezer = makeFreezer();
    freezer.freeze([c.pid!]);
    const errors: string[] = [];

    await createCommandGroups(db).endRunning({ ...logger, error: (message: string) => void errors.push(message) });
    expect(isProcessRunning(c.pid!)).toBe(true);
    expect(errors).toEqual(['could not end a command running as the host stops']);
    expect(recordsIn(db)).toEqual({ n: 1 });

    // Out of the kernel's hold it dies of the SIGKILL it got; the next host finds it gone and forgets it.
    await freezer.remove();
    await expect.poll(() => isProcessRunning(c.pid!)).toBe(false);
    await createCommandGroups(db).reconcile(logger);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });

  it.runIf(canFreeze())('keeps the record of a running command whose child outlived SIGKILL, though its shell ended', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const groups = createCommandGroups(db);
    const cwd = makeTempDir();
    // A setup this host runs as its stop begins: its shell ends, its child is held by the kernel.
    const running = runCommands(['sleep 30 & echo $! > child; wait'], { cwd, env: { ...process.env }, timeoutMs: 60_000, onStep: () => {}, onOutput: () => {}, groups });
    await expect.poll(() => existsSync(join(cwd, 'child')) && readFileSync(join(cwd, 'child'), 'utf8').trim() !== '').toBe(true);
    const child = Number(readFileSync(join(cwd, 'child'), 'utf8').trim());
    makeFreezer().freeze([child]);

    await groups.endRunning(logger);
    const outcome = await running;
    expect(outcome).toMatchObject({ ok: false, aborted: true });
    expect(outcome.ok === false && outcome.outputTail).toContain("was ended by the host's stop");
    expect(isProcessRunning(child)).toBe(true);
    expect(recordsIn(db)).toEqual({ n: 1 });
    // Thawed, it dies of the SIGKILL it holds (afterEach), and the next host forgets the record.
    await freezers.pop()!.remove();
    await expect.poll(() => isProcessRunning(child)).toBe(false);
    await createCommandGroups(db).reconcile(logger);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });

  it('ends what a command forks while it is being ended, those found only after the SIGKILL too', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const marker = randomUUID();
    // Deaf to SIGTERM, and so are its children (an ignored signal stays ignored across fork
    // and exec): it forks a sleeper every 10 ms until SIGKILL, so some are forked after the
    // last look before it and are first found once it has been sent.
    const c = spawn('sh', ['-c', "trap '' TERM; while :; do sleep 30 & sleep 0.01; done"], { detached: true, stdio: 'ignore', env: { ...process.env, [COMMAND_GROUP_VAR]: marker } });
    started.push(c);
    createCommandGroups(db).started(marker, c.pid!, 'the forking loop');
    await expect.poll(() => marked(marker).length).toBeGreaterThan(3);
    const errors: string[] = [];

    await createCommandGroups(db).endRunning({ ...logger, error: (message: string) => void errors.push(message) });
    expect(errors).toEqual([]);
    expect(marked(marker)).toEqual([]);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });

  it('starts no command once the host\'s stop has ended those running: one started after would outlive the host', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const groups = createCommandGroups(db);
    await groups.endRunning(logger);

    // A lane's postCreate, asked for by a creation that was under way when the stop began.
    const cwd = makeTempDir();
    const outcome = await runCommands(['touch ran'], { cwd, env: { ...process.env }, timeoutMs: 10_000, onStep: () => {}, onOutput: () => {}, groups });
    expect(outcome).toMatchObject({ ok: false, index: 0, exitCode: null, aborted: true });
    expect(outcome.ok === false && outcome.outputTail).toContain('the host is stopping');
    expect(existsSync(join(cwd, 'ran'))).toBe(false);
    expect(recordsIn(db)).toEqual({ n: 0 });
  });
});
