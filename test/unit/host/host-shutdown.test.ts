import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireHostLock } from '../../../src/host/data-dir/host-lock';
import { openDatabase } from '../../../src/host/db/database';
import { stopInOrder } from '../../../src/host/host-shutdown';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

afterEach(removeTempDirs);

describe('host shutdown', () => {
  it('an agent stop that rejects is logged, and the parts after it still stop: the store is closed and the lock released', async () => {
    const dir = makeTempDir();
    const { db } = openDatabase(join(dir, 'grove.db'));
    const lock = acquireHostLock(join(dir, 'host.lock'))!;
    expect(acquireHostLock(join(dir, 'host.lock'))).toBeNull();
    const logged: unknown[] = [];
    const stopped: string[] = [];
    const failed = await stopInOrder(
      [
        { name: 'health monitor', stop: () => void stopped.push('health monitor') },
        { name: 'agents', stop: () => Promise.reject(new Error('could not stop agent a1: ps failed')) },
        { name: 'lane watcher', stop: () => { throw new Error('watcher already closed'); } },
        { name: 'api', stop: async () => void stopped.push('api') },
        { name: 'store', stop: () => db.close() },
        { name: 'host lock', stop: () => lock.release() },
      ],
      { error: (msg, fields) => logged.push({ msg, ...fields }) },
    );
    expect(failed).toEqual(['agents', 'lane watcher']);
    expect(logged).toEqual([
      { msg: 'a part of the host failed to stop', part: 'agents', error: 'could not stop agent a1: ps failed' },
      { msg: 'a part of the host failed to stop', part: 'lane watcher', error: 'watcher already closed' },
    ]);
    expect(stopped).toEqual(['health monitor', 'api']);
    expect(db.open).toBe(false);
    // Another host can take the data dir.
    const next = acquireHostLock(join(dir, 'host.lock'));
    expect(next).not.toBeNull();
    next!.release();
  });

  it('a part that hangs (ops waiting behind a merge gate) is given up on at its deadline, and the store still closes', async () => {
    const dir = makeTempDir();
    const { db } = openDatabase(join(dir, 'grove.db'));
    const logged: unknown[] = [];
    const failed = await stopInOrder(
      [
        { name: 'ops loops', stop: () => new Promise(() => undefined), deadlineMs: 50 },
        { name: 'agents', stop: () => new Promise((r) => setTimeout(r, 80)), deadlineMs: null },
        { name: 'store', stop: () => db.close() },
      ],
      { error: (msg, fields) => logged.push({ msg, ...fields }) },
    );
    expect(failed).toEqual(['ops loops']);
    expect(logged).toEqual([{ msg: 'a part of the host did not stop in time; stopping the rest', part: 'ops loops', deadlineMs: 50 }]);
    expect(db.open).toBe(false);
  });
});
