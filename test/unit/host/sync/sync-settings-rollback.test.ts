import { afterEach, describe, expect, it } from 'vitest';
import { openSyncRig } from '../../../fixtures/sync-rig';
import { removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * Sync's settings change in one SQLite transaction, with the outbox switched in memory: a
 * transaction that fails (a full disk) leaves sync as it was, the switch included, so local
 * entries go on being queued exactly while sync is configured.
 */
afterEach(() => removeTempDirs());

describe("a change of sync's settings that fails", () => {
  it('turning sync off leaves it on and its entries queued; pointing it at a store leaves it off', async () => {
    const rig = openSyncRig({ password: 'pw', timeoutMs: 500 });
    // Nothing listens there: the rounds the changes start fail at once, and change nothing here.
    const url = 'mysql://grove@127.0.0.1:9/briefs';
    const full = () => {
      throw new Error('SQLITE_FULL: database or disk is full');
    };
    const refresh = rig.store.refreshProvisional.bind(rig.store);

    rig.store.refreshProvisional = full;
    await expect(rig.sync.configure(url, 'off')).rejects.toThrow('SQLITE_FULL');
    expect(rig.state.config()).toBeNull();
    expect(rig.outbox.isEnabled()).toBe(false);

    rig.store.refreshProvisional = refresh;
    expect((await rig.sync.configure(url, 'off')).ok).toBe(true);
    expect(rig.outbox.isEnabled()).toBe(true);
    rig.store.refreshProvisional = full;
    await expect(rig.sync.off()).rejects.toThrow('SQLITE_FULL');
    expect(rig.state.config()).toMatchObject({ url });
    expect(rig.outbox.isEnabled()).toBe(true);
    // An entry written now is still queued for the store sync points at.
    const waiting = rig.outbox.waiting();
    const made = rig.briefs.create({ title: 'After the failed off', kind: 'feature', spec: '', projects: [] }, { kind: 'operator', name: 'operator:mike' }, 'ui');
    expect(made.ok).toBe(true);
    expect(rig.outbox.waiting()).toBeGreaterThan(waiting);
    rig.store.refreshProvisional = refresh;
    await rig.sync.stop();
    rig.db.close();
  });
});

describe('sync once the host stopped', () => {
  it('a sync.now that waited behind the last round starts none after the stop (the store closes next)', async () => {
    const rig = openSyncRig({ password: 'pw', timeoutMs: 500 });
    // White-box: the rounds themselves, counted (a real one would only fail to connect here).
    let rounds = 0;
    let finish!: () => void;
    (rig.sync as unknown as { round(): Promise<null> }).round = () => {
      // The first is held until the test lets it end; any later one ends at once.
      return ++rounds === 1 ? new Promise((resolve) => (finish = () => resolve(null))) : Promise.resolve(null);
    };
    expect((await rig.sync.configure('mysql://grove@127.0.0.1:9/briefs', 'off')).ok).toBe(true);
    const first = rig.sync.syncNow();
    await expect.poll(() => rounds).toBe(1);
    // Asked while that round runs; the host's stop begins before it ends.
    const asked = rig.sync.syncNow();
    const stopped = rig.sync.stop();
    finish();
    await Promise.all([first, asked, stopped]);
    expect(rounds).toBe(1);
    rig.db.close();
  });
});
