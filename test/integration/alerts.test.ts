import { join } from 'node:path';
import { realpathSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/shared/alerts';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * Acknowledging alerts on a real host: the operator acknowledges one, then all; the host
 * keeps the acknowledgement across a restart (it is an event, like the alert), answers
 * only what it newly acknowledged, and refuses a request that names nothing.
 */
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const listAlerts = async (host: HostProcess): Promise<Alert[]> => ((await api(host, 'alerts.list', {})).body.result as { alerts: Alert[] }).alerts;

async function hostWithAnAlert(): Promise<{ host: HostProcess; main: string }> {
  const host = await startHostProcess();
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  await addTrustedRepo(host, main);
  // Uncommitted edits in MAIN raise one alert.
  writeFileSync(join(main, 'typed-in-main.txt'), 'x\n');
  await expect.poll(async () => (await listAlerts(host)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
  return { host, main };
}

describe('alerts.acknowledge', () => {
  it('acknowledges the alerts named, then all, and keeps them acknowledged after a restart', async () => {
    const { host } = await hostWithAnAlert();
    const [first] = await listAlerts(host);
    expect(first!.acknowledgedAt).toBeNull();

    const one = await api(host, 'alerts.acknowledge', { seqs: [first!.seq] });
    expect(one.body.result).toMatchObject({ acknowledged: [first!.seq] });
    expect((await listAlerts(host)).find((a) => a.seq === first!.seq)?.acknowledgedAt).toBe((one.body.result as { at: string }).at);
    // Again: nothing new to acknowledge, so nothing recorded.
    expect((await api(host, 'alerts.acknowledge', { seqs: [first!.seq] })).body.result).toEqual({ acknowledged: [], at: null });

    await api(host, 'alerts.acknowledge', { all: true });
    const acknowledged = await listAlerts(host);
    expect(acknowledged.every((a) => a.acknowledgedAt !== null)).toBe(true);

    await host.stop();
    const again = await startHostProcess({ home: host.home });
    // The same alerts, still acknowledged (the edits still in MAIN may raise a new one, not acknowledged).
    const after = await listAlerts(again);
    for (const a of acknowledged) expect(after.find((b) => b.seq === a.seq)?.acknowledgedAt).toBe(a.acknowledgedAt);
  });

  it('refuses a request that names no alert, or names them and all at once', async () => {
    const host = await startHostProcess();
    expect((await api(host, 'alerts.acknowledge', {})).body.ok).toBe(false);
    expect((await api(host, 'alerts.acknowledge', { seqs: [1], all: true })).body.ok).toBe(false);
    expect((await api(host, 'alerts.acknowledge', { all: true })).body.result).toEqual({ acknowledged: [], at: null });
  });
});
