import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../src/shared/sync';
import { syncIndicator, wantsPassword } from '../../../../src/renderer/sync/sync-indicator-model';

const status = (s: Partial<SyncStatus>): SyncStatus => ({
  state: 'idle',
  url: 'mysql://grove@db.example:3306/grove',
  tls: 'require',
  passwordFrom: 'env',
  lastPushAt: '2026-12-03T14:00:00.000Z',
  lastPullAt: '2026-12-03T14:00:01.000Z',
  waiting: 0,
  redactedWaiting: 0,
  lastError: null,
  ...s,
});

describe('syncIndicator', () => {
  it('shows nothing while sync is off or before the host answered', () => {
    expect(syncIndicator(null)).toBeNull();
    expect(syncIndicator(status({ state: 'off', url: null, tls: null }))).toBeNull();
  });

  it('labels and tones each state: calm when in step or syncing, amber offline, red only when refused', () => {
    const seen = (['connecting', 'idle', 'syncing', 'offline', 'refused'] as const).map((state) => {
      const i = syncIndicator(status({ state }))!;
      return [state, i.label, i.tone];
    });
    expect(seen).toEqual([
      ['connecting', 'Sync connecting', 'pending'],
      ['idle', 'Synced', 'ok'],
      ['syncing', 'Syncing', 'ok'],
      ['offline', 'Sync offline', 'warn'],
      ['refused', 'Sync refused', 'bad'],
    ]);
  });

  it('names the state, what waits and the last error (its tooltip and accessible name)', () => {
    expect(syncIndicator(status({}))!.name).toBe('Sync: in step');
    expect(syncIndicator(status({ state: 'syncing', waiting: 1 }))!.name).toBe('Sync: syncing, 1 entry waiting');
    const offline = syncIndicator(status({ state: 'offline', waiting: 1204, lastError: { message: 'connect ECONNREFUSED 10.0.0.5:3306', at: '2026-12-03T14:00:00.000Z' } }))!;
    expect(offline.name).toBe('Sync: offline, 1,204 entries waiting; last error: connect ECONNREFUSED 10.0.0.5:3306');
    expect(offline.summary).toBe('The shared store cannot be reached. Grove retries by itself; local work goes on.');
    const refused = syncIndicator(status({ state: 'refused', lastError: { message: 'The shared schema is version 4; this Grove knows up to 2. Update Grove.', at: '2026-12-03T14:00:00.000Z' } }))!;
    expect(refused.name).toBe('Sync: refused; last error: The shared schema is version 4; this Grove knows up to 2. Update Grove.');
  });

  it('refused for want of a password: says so once, without the last error that only repeats it', () => {
    const lastError = { message: 'No password for the shared MySQL: set GROVE_SYNC_PASSWORD in the host\'s environment, or write it to /d/sync-password and run chmod 600 /d/sync-password.', at: '2026-12-03T14:00:00.000Z' };
    const none = syncIndicator(status({ state: 'refused', passwordFrom: 'none', waiting: 2, lastError }))!;
    expect(none).toMatchObject({ label: 'Sync refused', tone: 'bad', name: 'Sync: refused, no usable password, 2 entries waiting' });
    expect(none.summary).toBe('Grove has no usable password for the shared store, so it has not connected.');
    expect(wantsPassword(status({ state: 'refused', passwordFrom: 'none', lastError }))).toBe(true);
    // A password that is there but wrong is the store's refusal: its error is the news.
    expect(wantsPassword(status({ state: 'refused', passwordFrom: 'file', lastError }))).toBe(false);
    // Not refused (yet): nothing is said in its place.
    expect(wantsPassword(status({ state: 'connecting', passwordFrom: 'none' }))).toBe(false);
    expect(syncIndicator(status({ state: 'offline', passwordFrom: 'none', lastError: { message: 'connect ECONNREFUSED', at: lastError.at } }))!.name).toBe('Sync: offline; last error: connect ECONNREFUSED');
  });
});
