import { chmodSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCommandProbe } from '../../src/host/health/probe-command';
import { runHttpProbe } from '../../src/host/health/probe-http';
import { ProbeResult } from '../../src/shared/health';
import { isProcessRunning } from '../../src/host/terminals/process-tree';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { writtenPid } from '../fixtures/pid-file';

/**
 * Probes against real shells and a real HTTP server on loopback: a MAIN that boots, one
 * that dies the way `php artisan` did after a bad merge, one that hangs (and leaves no
 * process behind), and a site that answers 200, 500, nothing, or too late.
 */
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  removeTempDirs();
});

/** A MAIN directory holding an `artisan` script with the given shell body. */
function mainWithArtisan(body: string): string {
  const main = makeTempDir();
  const artisan = join(main, 'artisan');
  writeFileSync(artisan, `#!/bin/sh\n${body}\n`);
  chmodSync(artisan, 0o755);
  return main;
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', DB_PASSWORD: 'hunter2-very-secret' };

describe('command probes', () => {
  it('passes when the command exits 0, keeping its output', async () => {
    const main = mainWithArtisan('echo "Laravel Version ...... 11.9.2"');
    const r = await runCommandProbe({ name: 'boot', command: './artisan about' }, { cwd: main, env, timeoutMs: 10_000 });
    expect(ProbeResult.parse(r)).toEqual(r);
    expect(r).toMatchObject({ probe: 'boot', ok: true, detail: 'exit 0' });
    expect(r.outputTail).toContain('Laravel Version');
  });

  it('fails like php artisan did: exit 255, the fatal error in the tail, secrets masked', async () => {
    const main = mainWithArtisan(
      [
        'echo "PHP Fatal error:  Cannot redeclare dispatch() (previously declared in vendor/laravel/framework/src/Illuminate/Foundation/helpers.php:389) in app/helpers.php on line 12" >&2',
        'echo "DB_PASSWORD=$DB_PASSWORD"',
        'echo "host secret: grove-token-abcdef123456"',
        'exit 255',
      ].join('\n'),
    );
    const mask = (t: string) => t.replaceAll('grove-token-abcdef123456', 'gr…(masked)');
    const r = await runCommandProbe({ name: 'boot', command: './artisan about' }, { cwd: main, env, timeoutMs: 10_000, mask });
    expect(r).toMatchObject({ ok: false, detail: 'exit 255' });
    expect(r.outputTail).toContain('PHP Fatal error:  Cannot redeclare dispatch()');
    expect(r.outputTail).not.toContain('hunter2-very-secret');
    expect(r.outputTail).not.toContain('grove-token-abcdef123456');
  });

  it('keeps only the last 8 KiB of a long output', async () => {
    const main = mainWithArtisan('i=0; while [ $i -lt 3000 ]; do echo "line $i of noise"; i=$((i+1)); done; echo LAST; exit 1');
    const r = await runCommandProbe({ name: 'boot', command: './artisan about' }, { cwd: main, env, timeoutMs: 10_000 });
    expect(r.outputTail.length).toBeLessThanOrEqual(8192);
    expect(r.outputTail).toContain('LAST');
    expect(r.outputTail).not.toContain('line 0 of noise');
  });

  it('times out, and leaves no process behind', async () => {
    const main = mainWithArtisan('echo $$ > artisan.pid; sleep 30');
    const started = Date.now();
    const r = await runCommandProbe({ name: 'boot', command: './artisan about' }, { cwd: main, env, timeoutMs: 500 });
    expect(r).toMatchObject({ ok: false, detail: 'timed out after 500 ms' });
    expect(r.durationMs).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(5000);
    const pid = writtenPid(join(main, 'artisan.pid'));
    expect(pid).not.toBeNull();
    expect(isProcessRunning(pid!)).toBe(false);
  });

  it('fails with a reason when MAIN\'s directory is gone', async () => {
    const r = await runCommandProbe({ name: 'boot', command: 'true' }, { cwd: join(makeTempDir(), 'gone'), env, timeoutMs: 1000 });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/does not exist/);
  });
});

/** A server on 127.0.0.1 that answers every request with `handler`. */
async function site(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('HTTP probes', () => {
  it('passes on the expected status (200 by default), keeping the body', async () => {
    const url = await site((_req, res) => res.writeHead(200).end('OK: application up'));
    const r = await runHttpProbe({ name: 'up', http: { url: `${url}/up` } }, { cwd: '/', env, timeoutMs: 5000 });
    expect(ProbeResult.parse(r)).toEqual(r);
    expect(r).toMatchObject({ probe: 'up', ok: true, detail: 'HTTP 200 OK', outputTail: 'OK: application up' });
  });

  it('fails on another status, keeping at most 8 KiB of the error page, secrets masked', async () => {
    const page = `<h1>Server Error</h1> password=${env.DB_PASSWORD} ${'x'.repeat(20_000)}`;
    const url = await site((_req, res) => res.writeHead(500).end(page));
    const r = await runHttpProbe({ name: 'up', http: { url: `${url}/up` } }, { cwd: '/', env, timeoutMs: 5000 });
    expect(r).toMatchObject({ ok: false, detail: 'HTTP 500 Internal Server Error (expected 200)' });
    expect(r.outputTail.startsWith('<h1>Server Error</h1>')).toBe(true);
    expect(r.outputTail.length).toBeLessThanOrEqual(8192);
    expect(r.outputTail).not.toContain(env.DB_PASSWORD);
  });

  it('uses HEAD and another expected status when asked', async () => {
    let method = '';
    const url = await site((req, res) => {
      method = req.method ?? '';
      res.writeHead(204).end();
    });
    const r = await runHttpProbe({ name: 'up', http: { url, method: 'HEAD', expectStatus: 204 } }, { cwd: '/', env, timeoutMs: 5000 });
    expect([method, r.ok, r.detail]).toEqual(['HEAD', true, 'HTTP 204 No Content']);
  });

  it('fails when the connection is refused', async () => {
    const url = await site(() => {});
    await new Promise((r) => servers.pop()!.close(r)); // the port is free again: nothing listens
    const r = await runHttpProbe({ name: 'up', http: { url: `${url}/up` } }, { cwd: '/', env, timeoutMs: 5000 });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/connection refused \(ECONNREFUSED\)/);
  });

  it('times out on a slow answer', async () => {
    const url = await site((_req, res) => void setTimeout(() => res.writeHead(200).end('late'), 3000).unref());
    const started = Date.now();
    const r = await runHttpProbe({ name: 'up', http: { url: `${url}/up` } }, { cwd: '/', env, timeoutMs: 300 });
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(`no answer within 300 ms from GET ${url}/up`);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
