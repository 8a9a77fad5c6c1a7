import { afterEach, describe, expect, it, vi } from 'vitest';
import { StepTimeout } from '../../../../src/host/sync/step-timeout';
import { openSyncRig } from '../../../fixtures/sync-rig';
import { removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * A step that outlives its round (a pull's read-ahead, left unawaited when the batch before it
 * was refused) times out later, when a newer round may have connected: that timeout ends the
 * connection the step talked over, never the newer one. White-box (the service's own `conn`
 * and `step`): getting a real server to hang exactly on a read-ahead is a matter of luck.
 */
afterEach(() => removeTempDirs());

type Internals = { conn: { destroy(): void } | null; step<T>(work: Promise<T>): Promise<T> };

describe("sync's step timeout", () => {
  it('drops the connection the step used; a newer one opened meanwhile stays', async () => {
    const rig = openSyncRig({ password: 'pw', timeoutMs: 100 });
    const sync = rig.sync as unknown as Internals;
    const older = { destroy: vi.fn() };
    const newer = { destroy: vi.fn() };
    sync.conn = older;
    const leftBehind = sync.step(new Promise<never>(() => undefined));
    sync.conn = newer; // the next round connected before the step's time ran out
    await expect(leftBehind).rejects.toBeInstanceOf(StepTimeout);
    expect(newer.destroy).not.toHaveBeenCalled();
    expect(sync.conn).toBe(newer);

    // A step of the connection in use that times out ends it: nothing of a hung server lingers.
    const hung = sync.step(new Promise<never>(() => undefined));
    await expect(hung).rejects.toBeInstanceOf(StepTimeout);
    expect(newer.destroy).toHaveBeenCalledTimes(1);
    expect(sync.conn).toBeNull();
    rig.db.close();
  });
});
