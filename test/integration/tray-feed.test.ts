import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TrayFeed } from '../../src/main/tray/tray-feed';
import type { TrayState } from '../../src/main/tray/tray-state';
import { HostConnection } from '../../src/shared/client/host-connection';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { api, repoRoot, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

const fakeClaude = join(repoRoot, 'test', 'fixtures', 'agents', 'fake-claude.mjs');

afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('tray fed by a real host', () => {
  it('shows all well while connected, attention while the host is gone, and all well again', async () => {
    let host = await startHostProcess();
    const faces: TrayState['face'][] = [];
    const feed = new TrayFeed((s) => faces.push(s.face));
    const conn = new HostConnection({
      connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    conn.onState((s) => feed.onConnection(s));
    conn.onEvent((e) => feed.onEvent(e));
    conn.start();
    await expect.poll(() => feed.current.face).toBe('ok');
    const home = host.home;
    await host.kill9();
    await expect.poll(() => feed.current).toEqual({ face: 'attention', tooltip: 'Grove: the host is not reachable' });
    host = await startHostProcess({ home });
    await expect.poll(() => feed.current.face, { timeout: 10_000 }).toBe('ok');
    // Retries while the host was away did not repeat the face: each change told once.
    expect(faces).toEqual(['attention', 'ok', 'attention', 'ok']);
    conn.stop();
  });

  it('asks for attention while an agent waits for the operator, naming it', async () => {
    const host = await startHostProcess();
    const feed = new TrayFeed(() => {});
    const conn = new HostConnection({
      connect: () => new WebSocket(host.url.replace('http', 'ws') + '/ws', { headers: { authorization: `Bearer ${host.token}` } }),
    });
    conn.onState((s) => feed.onConnection(s));
    conn.onEvent((e) => feed.onEvent(e));
    conn.start();
    await expect.poll(() => feed.current.face).toBe('ok');
    const lane = realpathSync(makeTempDir('flower-design-'));
    const started = await api(host, 'agents.start', { lanePath: lane, preset: 'claude', command: fakeClaude, name: 'design', env: { HOME: makeTempDir() } });
    const id = (started.body.result as { agent: { id: string } }).agent.id;
    await api(host, 'agents.input', { id, data: 'hi\r' });
    await expect.poll(() => feed.current.tooltip, { timeout: 15_000 }).toMatch(/^Grove: design in flower-design-\w+ needs you$/);
    expect(feed.current.face).toBe('attention');
    await api(host, 'agents.stop', { id });
    await expect.poll(() => feed.current.face).toBe('ok');
    conn.stop();
  });
});
