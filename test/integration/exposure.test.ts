import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, browserSession, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { sessionKeyProtocols } from '../../src/shared/session-key';
import { openSocket } from '../fixtures/ws-client';
import { removeTempDirs } from '../fixtures/temp-dir';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Every refusal the exposure model promises, proved against a real host. */
let host: HostProcess;
beforeAll(async () => {
  host = await startHostProcess({ args: ['--allow-host', 'devbox.lan'] });
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** fetch() cannot forge Host, so raw http.request is used where the Host header matters. */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: path.startsWith('/api/') ? 'POST' : 'GET', headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawPost(path: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A single-use login code, as `grove open` asks for one. */
async function loginCode(): Promise<string> {
  return ((await api(host, 'auth.loginCode')).body.result as { code: string }).code;
}

/** A browser session's cookie, got the way a browser gets one. */
async function sessionCookie(): Promise<string> {
  return (await browserSession(host)).cookie;
}

describe('HTTP', () => {
  it('refuses an API call without a token, or with a wrong one', async () => {
    const none = await fetch(`${host.url}/api/host.status`, { method: 'POST', body: '{}' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    const wrong = await api({ url: host.url, token: host.token.slice(0, -1) + 'x' }, 'host.status');
    expect(wrong.status).toBe(401);
  });

  it('refuses the UI itself without a token', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('grove open');
  });

  it('refuses a foreign Host even with the right token (DNS rebinding)', async () => {
    const r = await rawGet('/api/host.status', { host: `evil.example:${host.port}`, authorization: `Bearer ${host.token}` });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error.code).toBe('forbidden_host');
    const ok = await rawGet('/api/host.status', { host: `devbox.lan:${host.port}`, authorization: `Bearer ${host.token}` });
    expect(ok.status).toBe(200);
  });

  it('refuses a cross-site request even with the right token', async () => {
    const r = await api(host, 'host.status', {}, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error?.code).toBe('forbidden_origin');
  });

  it('trades a login code at /auth for an HttpOnly session cookie and a page key, then a clean URL; never the token in a URL, nor a code twice', async () => {
    const code = await loginCode();
    const r = await rawGet(`/auth?code=${code}`, { host: `127.0.0.1:${host.port}` });
    // The hand-off: a page whose one script (allowed by its hash) keeps the key in this
    // origin's storage and goes on to the cockpit. It is never kept, and the key is no cookie.
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const handOff = /<script>(try\{localStorage\.setItem\("grove\.sessionKey","([A-Za-z0-9_-]{43})"\);location\.replace\("\/"\+location\.hash\)[^<]*)<\/script>/.exec(r.body);
    expect(handOff, r.body).not.toBeNull();
    expect(r.headers['content-security-policy']).toBe(`default-src 'none'; script-src 'sha256-${createHash('sha256').update(handOff![1]!).digest('base64')}'; style-src 'unsafe-inline'; frame-ancestors 'none'`);
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).not.toContain(handOff![2]!);
    expect(r.body).not.toContain(host.token);
    expect(cookie).toMatch(new RegExp(`^grove_session_${host.port}=`));
    expect(cookie).not.toContain(host.token);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    // Kept past the browser quitting, as long as the session may idle, and sent again with each
    // page (a session in use lasts, and so must its cookie).
    expect(cookie).toContain(`Max-Age=${30 * 24 * 60 * 60}`);
    const page = await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(String(page.headers['set-cookie'])).toBe(cookie);
    expect(page.body).toContain('<div id="root">');
    // The one script the build writes into the page (early-socket.js) is allowed by its hash, and nothing else inline.
    const inline = [...page.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline).toHaveLength(1);
    expect(inline[0]).toContain('groveEarlySocket');
    const scriptSrc = String(page.headers['content-security-policy']).split('; ').find((d) => d.startsWith('script-src'));
    expect(scriptSrc).toBe(`script-src 'self' 'sha256-${createHash('sha256').update(inline[0]!).digest('base64')}'`);
    // The token itself, which would stay in the browser's history, lets no browser in; nor
    // does a code used once already.
    for (const query of [`token=${host.token}`, `code=${code}`, 'code=nope']) {
      const refused = await rawGet(`/auth?${query}`, { host: `127.0.0.1:${host.port}` });
      expect(refused.status, query).toBe(401);
      expect(refused.headers['set-cookie'], query).toBeUndefined();
    }
    const bad = await rawGet('/auth?code=nope', { host: `127.0.0.1:${host.port}` });
    // The page saying so runs nothing and is never framed, like every page the host serves.
    expect(bad.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}` })).headers['content-security-policy']).toBe(bad.headers['content-security-policy']);
  });

  it('lets a browser in once with a login code, which then is spent', async () => {
    const { body } = await api(host, 'auth.loginCode');
    const { code, loginUrl } = body.result as { code: string; loginUrl: string };
    expect(loginUrl).toBe(`${host.url}/auth?code=${code}`);
    const first = await rawGet(`/auth?code=${code}`, { host: `127.0.0.1:${host.port}` });
    expect(first.status).toBe(200);
    expect(first.headers['set-cookie']).toBeDefined();
    const again = await rawGet(`/auth?code=${code}`, { host: `127.0.0.1:${host.port}` });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a browser session left unused for 30 days, and keeps one used within them', async () => {
    const stale = await browserSession(host);
    const recent = await browserSession(host);
    const call = (session: { key: string }) => rawGet('/api/host.status', { host: `127.0.0.1:${host.port}`, 'x-grove-session': session.key, 'content-type': 'application/json' });
    expect((await call(stale)).status).toBe(200);
    // Age the sessions in the host's own store, as 30 idle days would (the host reads it per request).
    const digest = (cookie: string): string => createHash('sha256').update(decodeURIComponent(cookie.split('=')[1]!)).digest('hex');
    const db = new Database(join(host.home, 'grove.db'));
    const setLastUse = db.prepare('UPDATE browser_sessions SET last_used_at = ? WHERE digest = ?');
    setLastUse.run(new Date(Date.now() - 30 * 24 * 3600_000 - 60_000).toISOString(), digest(stale.cookie));
    setLastUse.run(new Date(Date.now() - 29 * 24 * 3600_000).toISOString(), digest(recent.cookie));
    db.close();
    const refused = await call(stale);
    expect({ status: refused.status, code: JSON.parse(refused.body).error.code }).toEqual({ status: 401, code: 'unauthorized' });
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie: stale.cookie })).status).toBe(401);
    expect((await call(recent)).status).toBe(200);
  });

  it("opens with the session's cookie, which a server on any other loopback port is sent too, the page's files and the blobs, and nothing else", async () => {
    const { cookie, key } = await browserSession(host);
    const at = { host: `127.0.0.1:${host.port}` };
    expect((await rawGet('/', { ...at, cookie })).status).toBe(200);
    const api401 = await rawGet('/api/host.status', { ...at, cookie, 'content-type': 'application/json' });
    expect({ status: api401.status, code: JSON.parse(api401.body).error.code }).toEqual({ status: 401, code: 'unauthorized' });
    // Reading a blob is what an <img> does with the cookie (and what any agent does with its own token); uploading is not.
    expect((await rawGet(`/blobs/${'0'.repeat(64)}`, { ...at, cookie })).status).not.toBe(401);
    const upload = await rawPost('/blobs?brief=%231&name=x.png', { ...at, cookie, 'content-type': 'image/png' }, 'not an image');
    expect(upload.status).toBe(401);
    // The page key, which only this origin's own pages can read, opens the API.
    expect((await rawGet('/api/host.status', { ...at, 'x-grove-session': key, 'content-type': 'application/json' })).status).toBe(200);
    expect((await rawGet('/api/host.status', { ...at, 'x-grove-session': cookie.split('=')[1]!, 'content-type': 'application/json' })).status).toBe(401);
    // Nor does the cookie open a socket, with or without the page's subprotocol.
    await expect(openSocket(host.url, null, { origin: host.url, cookie })).rejects.toMatchObject({ status: 401 });
    const noKey = await openSocket(host.url, null, { origin: host.url, cookie }, ['grove']);
    expect(await new Promise<number>((resolve) => noKey.ws.once('close', (code) => resolve(code)))).toBe(4401);
    expect(noKey.frames).toEqual([]);
    // The key opens a socket the way a page offers it only (so the socket is the session's,
    // and ends with it): not in a header, nor as a subprotocol without `grove`; and a request
    // opens nothing with the key where only a handshake carries it.
    await expect(openSocket(host.url, null, { origin: host.url, 'x-grove-session': key })).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(host.url, null, { origin: host.url }, [`grove-key.${key}`])).rejects.toMatchObject({ status: 401 });
    expect((await rawGet('/api/host.status', { ...at, 'sec-websocket-protocol': `grove, grove-key.${key}`, 'content-type': 'application/json' })).status).toBe(401);
  });

  it('lets a browser in with its real session when a page on another port planted a cookie of the same name first', async () => {
    const cookie = await sessionCookie();
    const planted = `grove_session_${host.port}=planted-by-another-page`;
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie: `${planted}; ${cookie}` })).status).toBe(200);
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie: planted })).status).toBe(401);
  });

  it('survives a malformed cookie and logs every browser out on request', async () => {
    const bad = await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie: `grove_session_${host.port}=%` });
    expect(bad.status).toBe(401);
    const cookie = await sessionCookie();
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie })).status).toBe(200);
    await api(host, 'auth.revokeSessions');
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie })).status).toBe(401);
  });

  it('lets the browser keep the built scripts and styles, and never the page or the API', async () => {
    const cookie = await sessionCookie();
    const page = await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie });
    expect(page.headers['cache-control']).toBe('no-store');
    const assets = [...page.body.matchAll(/(?:src|href)="\.?(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
    expect(assets.length).toBeGreaterThan(1);
    for (const path of assets) {
      const r = await rawGet(path, { host: `127.0.0.1:${host.port}`, cookie });
      expect({ path, status: r.status, cacheControl: r.headers['cache-control'] }).toEqual({ path, status: 200, cacheControl: 'private, max-age=31536000, immutable' });
    }
    // A name without a content hash may change under its name: it is fetched afresh.
    expect((await rawGet('/some/client/route', { host: `127.0.0.1:${host.port}`, cookie })).headers['cache-control']).toBe('no-store');
    expect((await rawGet(assets[0]!, { host: `127.0.0.1:${host.port}` })).status).toBe(401);
    expect((await rawGet('/api/host.status', { host: `127.0.0.1:${host.port}`, cookie, 'content-type': 'application/json' })).headers['cache-control']).toBe('no-store');
  });

  it('does not serve files outside the UI', async () => {
    const cookie = await sessionCookie();
    const r = await rawGet('/../../../../etc/passwd', { host: `127.0.0.1:${host.port}`, cookie });
    expect(r.body).not.toContain('root:');
    const enc = await rawGet('/assets/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json', { host: `127.0.0.1:${host.port}`, cookie });
    expect(enc.status).toBe(404);
  });
});

describe('WebSocket', () => {
  it('refuses an upgrade without a token, and one with a malformed cookie without falling over', async () => {
    await expect(openSocket(host.url, null)).rejects.toMatchObject({ status: 401 });
    await expect(openSocket(host.url, null, { cookie: `grove_session_${host.port}=%` })).rejects.toMatchObject({ status: 401 });
    expect((await api(host, 'host.status')).status).toBe(200);
  });

  it('refuses an upgrade from a foreign Origin, even with the token (cross-site WebSocket hijacking)', async () => {
    await expect(openSocket(host.url, host.token, { origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    const { cookie, key } = await browserSession(host);
    await expect(openSocket(host.url, null, { origin: 'http://evil.example', cookie }, sessionKeyProtocols(key))).rejects.toMatchObject({ status: 403 });
  });

  it('refuses an upgrade with a foreign Host', async () => {
    await expect(openSocket(host.url, host.token, { host: `evil.example:${host.port}` })).rejects.toMatchObject({ status: 403 });
  });

  it('closes a browser\'s socket when its session is revoked: it cannot go on, nor ask for a login code', async () => {
    const { key } = await browserSession(host);
    const s = await openSocket(host.url, null, { origin: host.url }, sessionKeyProtocols(key));
    // The host picks the plain subprotocol: the key is never echoed back.
    expect(s.ws.protocol).toBe('grove');
    await s.waitFor((f) => f.kind === 'hello');
    const closed = new Promise<number>((resolve) => s.ws.once('close', (code) => resolve(code)));
    // A socket opened with the token itself (the CLI's, the app's own) is not a browser session: it stays.
    const tokenSocket = await openSocket(host.url, host.token);
    await tokenSocket.waitFor((f) => f.kind === 'hello');
    await api(host, 'auth.revokeSessions');
    expect(await closed).toBe(4401);
    s.send({ kind: 'request', id: 'after', method: 'auth.loginCode', params: {} });
    expect(s.frames.some((f) => f.kind === 'response')).toBe(false);
    tokenSocket.send({ kind: 'request', id: 1, method: 'host.status', params: {} });
    expect(await tokenSocket.waitFor((f) => f.kind === 'response')).toMatchObject({ ok: true });
    await tokenSocket.close();
    // A page that comes back with the ended key is told so on the socket (its script can read a close code, not a refused handshake).
    const again = await openSocket(host.url, null, { origin: host.url }, sessionKeyProtocols(key));
    expect(await new Promise<number>((resolve) => again.ws.once('close', (code) => resolve(code)))).toBe(4401);
    expect(again.frames).toEqual([]);
  });

  it('accepts the host\'s own origin with the page key, as the UI connects', async () => {
    const { cookie, key } = await browserSession(host);
    const s = await openSocket(host.url, null, { origin: host.url, cookie }, sessionKeyProtocols(key));
    const hello = await s.waitFor((f) => f.kind === 'hello');
    expect(hello).toMatchObject({ kind: 'hello', protocolVersion: 1 });
    await s.close();
  });
});

/**
 * Another user of the machine, with what a browser's credentials can leak to them (a login
 * code read off `xdg-open`'s command line; a page key or a cookie sent to a program that took
 * the port while the host was down), gets nothing: the host looks the connection's other end
 * up in the kernel's socket table and serves its own user's programs (and root's) only. A
 * real client process running as `nobody`; only root can start one, so elsewhere this says
 * it skipped. (The operator's token is in a 0600 file no other user reads; its clients are
 * not looked up.)
 */
const asRoot = process.getuid?.() === 0;
describe.skipIf(!asRoot)('another user of the machine', () => {
  const NOBODY = 65534;
  /** What `nobody` gets: a raw request (path, headers), or a WebSocket upgrade, and its status line and body. */
  function asNobody(what: { path: string; method: string; headers: Record<string, string> }): Promise<{ status: number; body: string }> {
    const script = `
      const net = require('node:net');
      const [port, what] = [Number(process.argv[1]), JSON.parse(process.argv[2])];
      const s = net.connect(port, '127.0.0.1', () => {
        const head = Object.entries(what.headers).map(([k, v]) => k + ': ' + v + '\\r\\n').join('');
        // Connection: close, and the socket left open for writing: the host answers, then closes.
        s.write(what.method + ' ' + what.path + ' HTTP/1.1\\r\\nhost: 127.0.0.1:' + port + '\\r\\n' + head + '\\r\\n');
      });
      let got = '';
      s.on('data', (d) => (got += d));
      s.on('close', () => process.stdout.write(JSON.stringify({ uid: process.getuid(), got })));
      s.on('error', (e) => process.stdout.write(JSON.stringify({ uid: process.getuid(), got: 'error ' + e.message })));
    `;
    return new Promise((resolve, reject) => {
      execFile(process.execPath, ['-e', script, String(host.port), JSON.stringify(what)], { uid: NOBODY, gid: NOBODY, cwd: '/', timeout: 10_000 }, (e, stdout) => {
        if (e) return reject(e);
        const { uid, got } = JSON.parse(stdout) as { uid: number; got: string };
        expect(uid).toBe(NOBODY);
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0);
        resolve({ status, body: got.slice(got.indexOf('\r\n\r\n') + 4) });
      });
    });
  }

  it('is refused with a fresh login code, a live page key or a live cookie; the same requests from this user are served', async () => {
    // A login code read off a command line: not spent by the refusal, and still good for its user.
    const code = await loginCode();
    const redeem = await asNobody({ path: `/auth?code=${code}`, method: 'GET', headers: { connection: 'close' } });
    expect(redeem.status).toBe(403);
    expect(redeem.body).toContain('"code":"forbidden_user"');
    expect(redeem.body).toContain(`comes from uid ${NOBODY}`);
    expect(redeem.body).toContain('Run grove as the user who started the host');
    expect(redeem.body).not.toContain('grove.sessionKey');
    // Nor with a made-up bearer token beside it (only a good one skips the look).
    const code2 = await loginCode();
    const fakeBearer = await asNobody({ path: `/auth?code=${code2}`, method: 'GET', headers: { authorization: 'Bearer made-up', connection: 'close' } });
    expect(fakeBearer.status).toBe(403);
    expect(fakeBearer.body).not.toContain('grove.sessionKey');
    expect((await rawGet(`/auth?code=${code}`, { host: `127.0.0.1:${host.port}` })).status).toBe(200);
    // A page key, on the API and on the socket; a cookie, on the UI's files.
    const { key, cookie } = await browserSession(host);
    const keyed = await asNobody({ path: '/api/host.status', method: 'POST', headers: { 'x-grove-session': key, 'content-length': '0', connection: 'close' } });
    expect(keyed.status).toBe(403);
    const page = await asNobody({ path: '/', method: 'GET', headers: { cookie, connection: 'close' } });
    expect(page.status).toBe(403);
    expect(page.body).not.toContain('<div id="root">');
    const upgrade = await asNobody({
      path: '/ws',
      method: 'GET',
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': sessionKeyProtocols(key).join(', ') },
    });
    expect(upgrade.status).toBe(403);
    expect(upgrade.body).toContain('"code":"forbidden_user"');
    const upgradeFakeBearer = await asNobody({
      path: '/ws',
      method: 'GET',
      headers: { authorization: 'Bearer made-up', connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': sessionKeyProtocols(key).join(', ') },
    });
    expect(upgradeFakeBearer.status).toBe(403);
    // This user, with the same credentials: served.
    expect((await rawPost('/api/host.status', { host: `127.0.0.1:${host.port}`, 'x-grove-session': key }, '')).status).toBe(200);
    expect((await rawGet('/', { host: `127.0.0.1:${host.port}`, cookie })).status).toBe(200);
  });
});
if (!asRoot) console.log('exposure.test.ts: skipped "another user of the machine": only root can start a client as another user here');
