import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConnection } from '../../src/shared/client/host-connection';
import type { EventEnvelope } from '../../src/shared/events';
import { makeRepo } from '../fixtures/git-repo';
import { eventsSince } from '../fixtures/host-events';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, addRepo, makeProbedRepo } from '../fixtures/probed-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { openSocket, type RecordingSocket } from '../fixtures/ws-client';
import { parseHostFrame } from '../../src/shared/client/parse-host-frame';

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

/** A repository with a probe: adding it makes the health monitor append `health.updated` while `repo.added` is being told. */
const addProbedRepo = (host: HostProcess): Promise<string> =>
  addRepo(host, makeProbedRepo({ health: { probes: [{ name: 'artisan', command: ARTISAN_COMMAND, intervalSeconds: 3600 }] } }));

/** What an event says, short enough to compare whole streams in a failure message. */
const describeEvent = (e: EventEnvelope): string => `${e.seq} ${e.event.type}`;

const wsClient = (host: HostProcess) =>
  new HostConnection({ parseFrame: parseHostFrame,
    connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
    backoff: { initialMs: 50, maxMs: 200 },
  });

const eventFrames = (s: RecordingSocket): EventEnvelope[] => s.frames.flatMap((f) => (f.kind === 'event' ? [f.envelope] : []));

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
    const client = new HostConnection({ parseFrame: parseHostFrame,
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
    const client = wsClient(host);
    client.onEvent((e) => seen.push(e));
    const opened = new Promise<void>((r) => client.onState((s) => s.kind === 'open' && r()));
    client.start();
    await opened;
    await addProbedRepo(host);
    // Registered, trusted (repo.updated), then its probe's first result.
    await expect.poll(() => seen.some((e) => e.event.type === 'health.updated')).toBe(true);
    expect(seen.slice(0, 3).map((e) => e.event.type)).toEqual(['host.started', 'repo.added', 'repo.updated']);
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));

    await host.kill9();
    await expect.poll(() => client.connectionState.kind).toBe('waiting');
    const again = await startHostProcess({ home: host.home }); // same token, same port
    // Each repository's probe makes `health.updated` while `repo.added` is told: it must still come after it.
    await addProbedRepo(again); // may happen before the client is back
    await addProbedRepo(again);
    const log = await eventsSince(again);
    await expect.poll(() => seen.map(describeEvent), { timeout: 10_000 }).toEqual(log.map(describeEvent));
    expect(seen.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    // Each repository is known before its health is: no health.updated overtakes its repo.added.
    const added = (e: EventEnvelope): string | null => (e.event.type === 'repo.added' ? e.event.repo.id : null);
    for (const [i, e] of seen.entries()) {
      if (e.event.type === 'health.updated') expect(seen.slice(0, i).map(added), describeEvent(e)).toContain(e.event.repoId);
    }
    expect(seen.filter((e) => e.event.type === 'repo.added')).toHaveLength(3);
    client.stop();
  });

  it('in seq order to every connection, whatever appends while others are told: repositories with probes, health rounds, lanes, agents, API calls', async () => {
    const host = await startHostProcess();
    const flips = realpathSync(makeTempDir());
    // A probe that fails every other round, until STOP exists: health rounds keep appending
    // health.updated, incidents and notifications while the calls below append their own.
    const flipping = `if [ -e ${flips}/STOP ]; then exit 0; fi; if [ -e ${flips}/down ]; then rm ${flips}/down; exit 1; else touch ${flips}/down; fi`;
    const flowerId = await addRepo(host, makeProbedRepo({ health: { probes: [{ name: 'flip', command: flipping, intervalSeconds: 1, failureThreshold: 1 }] } }));
    const sockets = await Promise.all([1, 2, 3].map(() => openSocket(host.url, host.token)));
    for (const s of sockets) s.send({ kind: 'subscribe', since: 0 });
    const client = wsClient(host);
    const seen: EventEnvelope[] = [];
    client.onEvent((e) => seen.push(e));
    client.start();

    const agentDir = realpathSync(makeTempDir('grove-lane-'));
    await Promise.all([
      ...[1, 2, 3, 4].map(() => addProbedRepo(host)),
      api(host, 'lanes.create', { repoId: flowerId, name: 'busy' }),
      ...[1, 2].map((i) => api(host, 'agents.start', { lanePath: agentDir, preset: 'custom', command: 'sh', args: ['-c', `echo agent ${i}; sleep 0.3`], name: `a${i}` })),
      ...[1, 2, 3].map(() => api(host, 'notifications.list', {})),
    ]);
    // Let the probe flip a few times, then stop it so the stream settles.
    await expect.poll(async () => (await eventsSince(host)).filter((e) => e.event.type === 'incident.updated').length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    writeFileSync(join(flips, 'STOP'), '');
    await expect.poll(async () => (await eventsSince(host)).filter((e) => e.event.type === 'agent.updated' && e.event.agent.supervision.kind !== 'running' && e.event.agent.supervision.kind !== 'starting').length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    // Every connection gets the host's whole log, each event once, in seq order.
    let log: EventEnvelope[] = [];
    await expect
      .poll(
        async () => {
          log = await eventsSince(host);
          const whole = log.map(describeEvent).join(', ');
          return [seen, ...sockets.map(eventFrames)].map((got) => (got.map(describeEvent).join(', ') === whole ? 'the whole log' : got.map(describeEvent).join(', ')));
        },
        { timeout: 15_000, interval: 500 },
      )
      .toEqual(['the whole log', 'the whole log', 'the whole log', 'the whole log']);
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.filter((e) => e.event.type === 'repo.added')).toHaveLength(5);
    expect(log.filter((e) => e.event.type === 'job.finished')).toHaveLength(1);
    client.stop();
    await Promise.all(sockets.map((s) => s.close()));
  });

  it('over HTTP, pages events with since and limit', async () => {
    const host = await startHostProcess();
    await addRepos(host, ['a', 'b']);
    const page = await api(host, 'events.since', { since: 1, limit: 1 });
    expect(page.body.result).toMatchObject({ latestSeq: 3, truncated: false, events: [{ seq: 2 }] });
  });
});
