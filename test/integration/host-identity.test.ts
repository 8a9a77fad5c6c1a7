import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { callProvenHost, identityProof, proveHost } from '../../src/host-client/host-identity';
import { groveEnv, runGroveWith } from '../fixtures/grove-cli';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * The operator's token goes only to a server that proves it holds it (GET /identity): a
 * dead host's port can be taken by anyone's server on the machine, and the discovery file
 * the host left behind still names it.
 */
const servers: Server[] = [];
const watchers: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  for (const w of watchers.splice(0)) w.kill('SIGKILL');
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await stopAllHosts();
  removeTempDirs();
});

type Seen = { path: string; authorization: string | undefined };

/**
 * A server that took `port`: it records what it is sent, relays `/identity` to `relayTo` (a
 * real host elsewhere, whose proof it hopes to pass off), and answers the API as a host would.
 */
async function squatter(port: number, relayTo: string | null, pid: number, dataDir: string): Promise<Seen[]> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    if (req.url?.startsWith('/identity') && relayTo) {
      void fetch(new URL(req.url, relayTo)).then(async (r) => res.writeHead(r.status, { 'content-type': 'application/json' }).end(await r.text()));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result: { pid, dataDir, protocolVersion: 1, version: '0', schemaVersion: 1, startedAt: '', uptimeMs: 0, latestEventSeq: 0 } }));
  });
  servers.push(server);
  server.on('upgrade', (req: IncomingMessage, socket) => {
    seen.push({ path: req.url ?? '', authorization: req.headers.authorization });
    socket.destroy();
  });
  // The port was the host's a moment ago: bind as soon as the system lets go of it.
  for (let i = 0; ; i++) {
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      return seen;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function rawGet(url: string, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request({ hostname: u.hostname, port: u.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Leaves the dead host's discovery file naming a live pid, as when the pid was reused. */
function pidReused(host: HostProcess): number {
  const path = join(host.home, 'host.json');
  const discovery = JSON.parse(readFileSync(path, 'utf8')) as { pid: number };
  writeFileSync(path, JSON.stringify({ ...discovery, pid: process.pid }));
  return process.pid;
}

describe('the host proves who it is before it is sent the token', () => {
  it('answers a nonce with a proof keyed by its token and bound to its port, to anyone who passes the Host check', async () => {
    const host = await startHostProcess();
    const nonce = randomBytes(32).toString('hex');
    const res = await fetch(`${host.url}/identity?nonce=${nonce}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, result: { proof: identityProof(host.token, host.port, nonce) } });
    expect(identityProof(host.token, host.port + 1, nonce)).not.toBe(identityProof(host.token, host.port, nonce));

    const bad = await fetch(`${host.url}/identity?nonce=short`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringMatching(/32 to 128 lowercase hex digits/) } });
    expect(await rawGet(host.url, `/identity?nonce=${nonce}`, 'evil.example:80')).not.toBe(200);

    expect(await proveHost(host.url, host.token, 5000)).toEqual({ ok: true, value: undefined });
    expect(await proveHost(host.url, 'another token', 5000)).toMatchObject({ ok: false, error: { kind: 'not-host' } });
  });

  it('the CLI sends no token to a server that took a dead host’s port, even one relaying the real host’s proof', async () => {
    const elsewhere = await startHostProcess();
    const host = await startHostProcess();
    const port = host.port;
    await host.kill9();
    const pid = pidReused(host);
    const seen = await squatter(port, elsewhere.url, pid, host.home);

    const r = await runGroveWith(host, ['status']);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(new RegExp(`The server at http://127\\.0\\.0\\.1:${port} is not the host of .*could not prove it holds this data dir's token.*the token was not sent to it`));
    const list = await runGroveWith(host, ['lane', 'list']);
    expect(list.code).not.toBe(0);
    // The app's shell, which keeps the host's address from its start, proves it before each call too.
    const call = await callProvenHost({ url: `http://127.0.0.1:${port}`, token: host.token }, 'auth.loginCode', {});
    expect(call).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringMatching(/could not prove it holds this data dir's token/) } });
    expect(await callProvenHost({ url: elsewhere.url, token: elsewhere.token }, 'host.status', {})).toMatchObject({ ok: true });
    expect(seen.filter((s) => s.path.startsWith('/identity'))).toHaveLength(3);
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(seen.map((s) => s.path).filter((p) => !p.startsWith('/identity'))).toEqual([]);
  });

  it('a watch that outlives its host proves each reconnect, and never sends the token to the port’s next owner', async () => {
    const host = await startHostProcess();
    const main = join(makeTempDir('grove-identity-'), 'flower');
    makeRepo(main);
    await addTrustedRepo(host, main);
    const child = spawn(process.execPath, [cliEntry, 'health', 'watch'], { env: groveEnv(host) });
    watchers.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    await expect.poll(() => out).toMatch(/flower: /);
    // Its socket opens just after it prints the state it read: give it the moment to.
    await new Promise((r) => setTimeout(r, 1000));
    const port = host.port;
    await host.kill9();
    const seen = await squatter(port, null, host.pid, host.home);
    await expect.poll(() => seen.filter((s) => s.path.startsWith('/identity')).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(seen.every((s) => s.authorization === undefined)).toBe(true);
    expect(seen.map((s) => s.path).filter((p) => !p.startsWith('/identity'))).toEqual([]);
    expect(out).toMatch(/could not prove it holds this data dir's token/);
  });

  it('says a host that answers the proof as an unknown page may be older than this grove, and how to restart it', async () => {
    const host = await startHostProcess();
    const home = host.home;
    const port = host.port;
    await host.stop();
    // What a Grove from before the proof answers: 401, as to any request without a token.
    const older = createServer((_req, res) => res.writeHead(401, { 'content-type': 'application/json' }).end('{"ok":false,"error":{"code":"unauthorized","message":"Missing or wrong token."}}'));
    servers.push(older);
    await new Promise<void>((r) => older.listen(port, '127.0.0.1', r));
    writeFileSync(join(home, 'host.json'), JSON.stringify({ pid: process.pid, port, url: `http://127.0.0.1:${port}`, protocolVersion: 1, version: '0.0.1', startedAt: new Date().toISOString(), dataDir: home }));
    const r = await runGroveWith(host, ['status']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`(HTTP 401), so the token was not sent to it. If it is a Grove host older than this grove (upgraded while it ran), stop it (kill ${process.pid}) and start it again (grove host)`);
  });

  it('does not take the host of a data dir copied while it ran for the copy’s own', async () => {
    const host = await startHostProcess();
    const copy = join(makeTempDir('grove-copy-'), 'grove');
    cpSync(host.home, copy, { recursive: true });
    const r = await runGroveWith(host, ['status'], { home: copy });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`is the host of ${host.home}, not of ${copy}: this data dir's host.json and token were copied from there. Remove ${join(copy, 'host.json')} to start a host of its own.`);
    const stop = await runGroveWith(host, ['host', 'stop'], { home: copy });
    expect(stop.code).not.toBe(0);
    expect((await runGroveWith(host, ['status'])).code).toBe(0);
  });
});
