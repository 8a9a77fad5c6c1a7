import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConnection } from '../../src/shared/client/host-connection';
import type { EventEnvelope } from '../../src/shared/events';
import { makeRepo } from '../fixtures/git-repo';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { openSocket } from '../fixtures/ws-client';

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function addRepos(host: HostProcess, names: string[]): Promise<void> {
  const root = realpathSync(makeTempDir());
  for (const n of names) {
    const r = await api(host, 'repos.add', { path: makeRepo(join(root, n)) });
    expect(r.body.ok, JSON.stringify(r.body)).toBe(true);
  }
}

describe('event stream', () => {
  it('replays exactly the events after `since`, then goes live', async () => {
    const host = await startHostProcess();
    await addRepos(host, ['a', 'b', 'c']); // seq 2, 3, 4 after host.started (1)
    const s = await openSocket(host.url, host.token);
    s.send({ kind: 'subscribe', since: 2 });
    await s.waitFor((f) => f.kind === 'live');
    const replayed = s.frames.filter((f) => f.kind === 'event').map((f) => (f as { envelope: EventEnvelope }).envelope.seq);
    expect(replayed).toEqual([3, 4]);
    await addRepos(host, ['d']);
    const live = await s.waitFor((f) => f.kind === 'event' && f.envelope.seq === 5);
    expect(live).toMatchObject({ envelope: { event: { type: 'repo.added', repo: { name: 'd' } } } });
    await s.close();
  });

  it('tells a client when the replay is over, so it can tell history from what happens now', async () => {
    const host = await startHostProcess();
    await addRepos(host, ['old']);
    const seen: string[] = [];
    const client = new HostConnection({
      connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
    });
    client.onEvent((e) => seen.push(e.event.type === 'repo.added' ? `repo.added ${e.event.repo.name}` : e.event.type));
    client.onLive(() => seen.push('live'));
    client.start();
    await expect.poll(() => seen).toEqual(['host.started', 'repo.added old', 'live']);
    await addRepos(host, ['new']);
    await expect.poll(() => seen).toEqual(['host.started', 'repo.added old', 'live', 'repo.added new']);
    client.stop();
  });

  it('a reconnecting client gets what it missed, across a host restart, with no gap and no duplicate', async () => {
    const host = await startHostProcess();
    const seen: EventEnvelope[] = [];
    const client = new HostConnection({
      connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    client.onEvent((e) => seen.push(e));
    const opened = new Promise<void>((r) => client.onState((s) => s.kind === 'open' && r()));
    client.start();
    await opened;
    await addRepos(host, ['one']);
    await expect.poll(() => seen.length).toBe(2); // host.started, repo.added

    await host.kill9();
    await expect.poll(() => client.connectionState.kind).toBe('waiting');
    const again = await startHostProcess({ home: host.home }); // same token, same port
    await addRepos(again, ['two', 'three']); // may happen before the client is back
    await expect.poll(() => seen.map((e) => e.event.type), { timeout: 10_000 }).toEqual([
      'host.started',
      'repo.added',
      'host.started',
      'repo.added',
      'repo.added',
    ]);
    expect(seen.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    client.stop();
  });

  it('over HTTP, pages events with since and limit', async () => {
    const host = await startHostProcess();
    await addRepos(host, ['a', 'b']);
    const page = await api(host, 'events.since', { since: 1, limit: 1 });
    expect(page.body.result).toMatchObject({ latestSeq: 3, truncated: false, events: [{ seq: 2 }] });
  });
});
