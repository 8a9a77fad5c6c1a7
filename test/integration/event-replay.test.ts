import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConnection, type ConnectionState } from '../../src/shared/client/host-connection';
import { JOB_OUTPUT_BYTES, writeLongHistory } from '../fixtures/long-history';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
import { parseHostFrame } from '../../src/shared/client/parse-host-frame';

/**
 * A host with a long history: 50,000 events, 3,000 of them a setup's output at 16 KiB each
 * (about 48 MiB, three times what the host buffers for one client). A new client loads the
 * current state and follows from the latest event without reading that history; a client
 * that comes back after all of it gets every event, in order, without being cut off, and
 * the host answers others meanwhile.
 */
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

const BIG_OUTPUTS = 3000;

/** A host whose store already holds the long history (written while it was stopped). */
async function hostWithLongHistory(): Promise<{ host: HostProcess; historySeq: number }> {
  const first = await startHostProcess();
  await first.stop();
  const historySeq = writeLongHistory(first.home, { outputs: BIG_OUTPUTS });
  return { host: await startHostProcess({ home: first.home }), historySeq };
}

function connect(host: HostProcess, since: number | 'latest') {
  const states: ConnectionState['kind'][] = [];
  const seqs: number[] = [];
  let bytes = 0;
  let isLive = false;
  const client = new HostConnection({ parseFrame: parseHostFrame,
    since,
    connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
    backoff: { initialMs: 50, maxMs: 200 },
  });
  client.onState((s) => states.push(s.kind));
  client.onEvent((e) => {
    seqs.push(e.seq);
    if (e.event.type === 'job.output') bytes += e.event.data.length;
  });
  client.onLive(() => (isLive = true));
  client.start();
  return { client, states, seqs, bytes: () => bytes, isLive: () => isLive };
}

describe('a long event history', () => {
  it('a new client loads the current state and follows from the latest event, without the history', async () => {
    const { host, historySeq } = await hostWithLongHistory();
    const started = Date.now();
    const c = connect(host, 'latest');
    await expect.poll(c.isLive, { timeout: 5000 }).toBe(true);
    const repos = await c.client.call('repos.list', {});
    expect(repos).toEqual({ ok: true, value: { repos: [] } });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(c.seqs).toEqual([]);
    // It follows what happens now.
    await api(host, 'notifications.pause', { minutes: 5 });
    await expect.poll(() => c.seqs).toEqual([historySeq + 2]); // after the restarted host's host.started
    expect(c.states).toEqual(['connecting', 'open']);
    c.client.stop();
  });

  it('a client that resumes from the start gets every event once, in order, never cut off, and the host answers others meanwhile', async () => {
    const { host, historySeq } = await hostWithLongHistory();
    const c = connect(host, 0);
    // While the replay streams, another client's call is answered.
    await expect.poll(() => c.seqs.length, { timeout: 10_000 }).toBeGreaterThan(0);
    const status = await api(host, 'host.status', {});
    expect(status.body).toMatchObject({ ok: true, result: { latestEventSeq: historySeq + 1 } });

    await expect.poll(c.isLive, { timeout: 60_000 }).toBe(true);
    const latest = historySeq + 1; // the restarted host's host.started
    expect(c.seqs.length).toBe(latest);
    expect(c.seqs.every((seq, i) => seq === i + 1)).toBe(true);
    expect(c.bytes()).toBe(BIG_OUTPUTS * JOB_OUTPUT_BYTES);
    expect(c.states).toEqual(['connecting', 'open']);
    c.client.stop();
  }, 90_000);
});
