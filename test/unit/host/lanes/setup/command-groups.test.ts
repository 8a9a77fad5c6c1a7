import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../../src/host/db/database';
import { COMMAND_GROUP_VAR, createCommandGroups } from '../../../../../src/host/lanes/setup/command-groups';
import { isProcessRunning } from '../../../../../src/host/terminals/process-tree';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

/** Recorded command groups against real processes: what a previous host left is ended, a stranger holding its ids is not. */
const started: ChildProcess[] = [];
afterEach(() => {
  for (const c of started.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  removeTempDirs();
});

const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };

function group(env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn('sh', ['-c', 'sleep 30 & wait'], { detached: true, stdio: 'ignore', env: { ...process.env, ...env } });
  started.push(c);
  return c;
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
    expect(db.prepare('SELECT count(*) AS n FROM command_groups').get()).toEqual({ n: 0 });
  });

  it('leaves alone a process that holds a recorded group id without the marker (a reused pid)', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const stranger = group({});
    createCommandGroups(db).started(randomUUID(), stranger.pid!, 'sleep 30');
    await createCommandGroups(db).reconcile(logger);
    expect(isProcessRunning(stranger.pid!)).toBe(true);
    expect(db.prepare('SELECT count(*) AS n FROM command_groups').get()).toEqual({ n: 0 });
  });
});
