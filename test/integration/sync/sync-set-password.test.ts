import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/shared/sync';
import { api, startHostProcess, stopAllHosts } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { call, heldSyncedHost, syncNow, syncSet, syncStatus, whereSecretsCouldLeak } from '../../fixtures/sync-hosts';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { until } from '../../fixtures/wait-until';

/**
 * `sync.setPassword`, the settings page's way to give the shared MySQL's password: a real
 * host (no GROVE_SYNC_PASSWORD) against a real MariaDB. Without a password sync is refused;
 * a wrong one is refused by the server; the right one makes it in step at once, without a
 * `sync.now` (the host retries as soon as the file is written). The file is 0600; neither
 * password is ever in the host's output, log, events, status or answers.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('sync.setPassword', () => {
  it('writes the 0600 file, retries at once: refused → refused (wrong) → idle; no password anywhere', async () => {
    const db = await startMariaDb();
    const host = await startHostProcess({ env: { GROVE_SYNC_TIMEOUT_MS: '1500' } });
    const wrong = 'wrong-password-0f3a9c';
    const answers: string[] = [];

    const set = await call<SyncStatus>(host, 'sync.set', { url: db.url });
    expect(set.passwordFrom).toBe('none');
    await until('refused for want of a password', async () => (await syncStatus(host)).state === 'refused');
    expect((await syncStatus(host)).lastError?.message).toContain('No password for the shared MySQL');

    const first = await api(host, 'sync.setPassword', { password: wrong });
    answers.push(JSON.stringify(first));
    expect(first.body.ok).toBe(true);
    expect((first.body.result as SyncStatus).passwordFrom).toBe('file');
    // Being reached anew: no longer refused, nor showing the missing password's error.
    expect(first.body.result).toMatchObject({ state: 'connecting', lastError: null });
    const file = join(host.home, 'sync-password');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The server refuses the wrong one: the state says so, naming the file to fix, not the password.
    const refused = await until('refused by the server', async () => {
      const s = await syncStatus(host);
      return s.lastError?.message.includes('refused user grove') ? s : null;
    });
    expect(refused.state).toBe('refused');

    // The right one: in step within seconds, though a refusal otherwise retries only every 15 s.
    const startedAt = Date.now();
    const second = await api(host, 'sync.setPassword', { password: db.password });
    answers.push(JSON.stringify(second));
    expect(second.body.ok).toBe(true);
    const idle = await until('in step', async () => {
      const s = await syncStatus(host);
      return s.state === 'idle' ? s : null;
    }, 10_000);
    expect(Date.now() - startedAt).toBeLessThan(8_000);
    expect(idle).toMatchObject({ passwordFrom: 'file', lastError: null });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // A password on two lines is refused by the contract, without being quoted back.
    const twoLines = await api(host, 'sync.setPassword', { password: 'line-one-secret\nline-two' });
    answers.push(JSON.stringify(twoLines));
    expect(twoLines.status).toBe(400);
    expect(twoLines.body.error?.message).toContain('a password on one line');

    const everywhere = (await whereSecretsCouldLeak(host)) + answers.join('\n');
    expect(everywhere).toContain('"type":"sync.status"');
    for (const secret of [wrong, db.password, 'line-one-secret']) expect(everywhere).not.toContain(secret);
  }, 60_000);

  it('saved while a round runs and a sync.now waits behind it: the waiting round is not cut, and it uses the password saved', async () => {
    const db = await startMariaDb();
    const host = await heldSyncedHost(db);
    await syncSet(host, db);
    expect((await syncNow(host)).state).toBe('idle'); // connected, with the password of the file
    // A round held on a hung server, a sync.now queued behind it, then the password saved
    // (the same one, as a settings page saving it again would): the server is back before the
    // round's timeout, so the round ends well and the waiting one starts on its connection.
    db.pause();
    let waiting: Promise<SyncStatus>;
    try {
      const running = syncNow(host);
      await new Promise((r) => setTimeout(r, 100));
      waiting = syncNow(host);
      await new Promise((r) => setTimeout(r, 100));
      expect((await api(host, 'sync.setPassword', { password: db.password })).body.ok).toBe(true);
      db.resume();
      expect((await running).state).toBe('idle');
    } finally {
      db.resume();
    }
    const after = await waiting;
    expect(after).toMatchObject({ state: 'idle', lastError: null });
    const seen = await call<{ events: { event: { type: string; status?: SyncStatus } }[] }>(host, 'events.since', { since: 0 });
    expect(seen.events.filter((e) => e.event.type === 'sync.status').map((e) => e.event.status!.state)).not.toContain('offline');
  }, 60_000);

  it('is refused while GROVE_SYNC_PASSWORD is set (the variable wins over the file), and writes nothing', async () => {
    const host = await startHostProcess({ env: { GROVE_SYNC_PASSWORD: 'from-the-environment' } });
    const r = await api(host, 'sync.setPassword', { password: 'typed-in-the-settings' });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'sync_password_in_env', message: expect.stringContaining('GROVE_SYNC_PASSWORD') });
    expect(() => statSync(join(host.home, 'sync-password'))).toThrow();
    expect(JSON.stringify(r)).not.toContain('typed-in-the-settings');
  });
});
