import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Brief, BriefAttachment, BriefEntry } from '../../src/shared/briefs';
import { api, browserSession, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { orchestratorToken } from '../fixtures/seed-brief';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { briefAttach } from '../../src/cli/commands/brief-attach';
import type { CliContext } from '../../src/cli/cli-context';

/**
 * Screenshots attached to briefs through a real host's /blobs endpoints: streamed in, sniffed
 * from their bytes, stored once by sha256, served back sandboxed, and refused with nothing
 * left behind (no file, no temp file, no row, no entry).
 */
const images = new URL('../fixtures/images/', import.meta.url).pathname;
const PNG = readFileSync(join(images, 'screenshot.png'));
const JPEG = readFileSync(join(images, 'photo.jpg'));
const GIF = readFileSync(join(images, 'dot.gif'));
const WEBP = readFileSync(join(images, 'frame.webp'));
/** What a Windows executable starts with: the DOS header and its stub's message. */
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(50), Buffer.from('This program cannot be run in DOS mode.\r\r\n$')]);
const SVG = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>\n');
const LIMIT = 20 * 1024 * 1024;

/** What an upload to a brief answers (an upload without one answers `{sha256, type, size}`). */
type Uploaded = { brief: Brief; entries: BriefEntry[]; attachment: BriefAttachment };
type Body = { ok: boolean; result?: Uploaded; error?: { code: string; message: string; details?: Record<string, unknown> } };
type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: Body };

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let host: HostProcess;
beforeAll(async () => {
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  await api(host, 'briefs.create', { title: 'Screenshots of the served lane', projects: ['flower'] });
  await api(host, 'briefs.create', { title: 'A second brief' });
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** POST /blobs with BODY (a Buffer sent with Content-Length, or chunks sent chunked); resolves with the answer even if the host closes early. */
function upload(
  query: string,
  body: Buffer | { chunks: number; chunkSize: number; first?: Buffer; endless?: boolean },
  headers: Record<string, string> = { authorization: `Bearer ${host.token}` },
  to: HostProcess = host,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(`${to.url}/blobs${query}`, { method: 'POST', headers: Buffer.isBuffer(body) ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Body });
        req.destroy();
      });
    });
    // The host closes the connection after a refusal without reading the rest: writes may then fail.
    req.on('error', (e: NodeJS.ErrnoException) => (['EPIPE', 'ECONNRESET'].includes(e.code ?? '') ? undefined : reject(e)));
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    let sent = 0;
    const pump = () => {
      while (body.endless || sent < body.chunks) {
        if (req.destroyed) return;
        const chunk = sent === 0 && body.first ? Buffer.concat([body.first, Buffer.alloc(body.chunkSize - body.first.length)]) : Buffer.alloc(body.chunkSize, 7);
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

const attach = (ref: string, name: string, bytes: Buffer, headers?: Record<string, string>) =>
  upload(`?brief=${encodeURIComponent(ref)}&name=${encodeURIComponent(name)}`, bytes, headers);

/** Everything a refusal must leave as it was. */
async function storedState(ref = '#1') {
  const blobsDir = join(host.home, 'blobs');
  const files = readdirSync(blobsDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(blobsDir.length))
    .sort();
  const got = await api(host, 'briefs.get', { ref, limit: 500 });
  const { brief, total } = got.body.result as { brief: { attachments: unknown[]; version: number }; total: number };
  return { files, attachments: brief.attachments.length, entries: total, version: brief.version };
}

describe('uploading a screenshot to a brief', () => {
  it('stores a PNG streamed as the body and serves it back byte-identical, typed, nosniff and sandboxed', async () => {
    const r = await attach('#1', 'served lane.png', PNG, { authorization: `Bearer ${host.token}`, 'x-grove-via': 'cli' });
    expect(r.status).toBe(200);
    const { brief, entries, attachment } = r.body.result!;
    expect(attachment).toMatchObject({ sha256: sha(PNG), type: 'image/png', size: PNG.length, name: 'served lane.png', addedBy: { kind: 'operator', name: 'operator:mike' } });
    expect(brief.attachments).toContainEqual(attachment);
    const entry = entries.find((e) => e.kind === 'attachment_added');
    expect(entry).toMatchObject({ channel: 'cli', actor: { name: 'operator:mike' }, payload: { sha256: sha(PNG), name: 'served lane.png', type: 'image/png', size: PNG.length } });

    const got = await fetch(`${host.url}/blobs/${sha(PNG)}`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);
    expect(Object.fromEntries(got.headers)).toMatchObject({
      'content-type': 'image/png',
      'content-length': String(PNG.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'content-disposition': `inline; filename="served lane.png"; filename*=UTF-8''served%20lane.png`,
      // Asked again each time (a 304 by the ETag): a redacted image must not live on in a cache.
      'cache-control': 'private, no-cache',
    });
    // Asked again, it is the same: a 304, nothing sent.
    const again = await fetch(`${host.url}/blobs/${sha(PNG)}`, { headers: { authorization: `Bearer ${host.token}`, 'if-none-match': `"${sha(PNG)}"` } });
    expect(again.status).toBe(304);
    expect((await again.arrayBuffer()).byteLength).toBe(0);
    const head = await fetch(`${host.url}/blobs/${sha(PNG)}`, { method: 'HEAD', headers: { authorization: `Bearer ${host.token}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PNG.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('stores a many-MiB image byte for byte: written in runs on the thread pool while later chunks arrive', async () => {
    const big = Buffer.concat([PNG, randomBytes(9 * 1024 * 1024 + 4321)]);
    const r = await attach('#2', 'large.png', big);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result!.attachment).toMatchObject({ sha256: sha(big), size: big.length });
    const onDisk = readFileSync(join(host.home, 'blobs', sha(big).slice(0, 2), sha(big)));
    expect(sha(onDisk)).toBe(sha(big));
    const got = await fetch(`${host.url}/blobs/${sha(big)}`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(Buffer.from(await got.arrayBuffer()).equals(big)).toBe(true);
  });

  it('accepts JPEG, GIF and WebP, typed from their bytes whatever they are called', async () => {
    for (const [bytes, type] of [[JPEG, 'image/jpeg'], [GIF, 'image/gif'], [WEBP, 'image/webp']] as const) {
      const r = await attach('#1', 'named-wrong.png', bytes);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.result!.attachment).toMatchObject({ type, size: bytes.length });
      const got = await fetch(`${host.url}/blobs/${sha(bytes)}`, { headers: { authorization: `Bearer ${host.token}` } });
      expect(got.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await got.arrayBuffer()).equals(bytes)).toBe(true);
    }
  });

  it('accepts an animated PNG as a PNG (file-type names it apart)', async () => {
    // The screenshot with an animation control chunk after its header: an APNG of one frame.
    const chunk = (type: string, data: Buffer): Buffer => {
      const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
      const out = Buffer.alloc(12 + data.length);
      out.writeUInt32BE(data.length, 0);
      body.copy(out, 4);
      out.writeUInt32BE(crc32(body), 8 + data.length);
      return out;
    };
    const actl = Buffer.alloc(8);
    actl.writeUInt32BE(1, 0); // one frame
    const ihdrEnd = 8 + 12 + PNG.readUInt32BE(8);
    const apng = Buffer.concat([PNG.subarray(0, ihdrEnd), chunk('acTL', actl), PNG.subarray(ihdrEnd)]);
    const r = await attach('#1', 'animated.png', apng);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result!.attachment).toMatchObject({ type: 'image/png', size: apng.length });
  });

  it('a download the client leaves half-way closes the file at once', async () => {
    // 8 MiB behind a PNG's header: more than a socket's buffers hold, so the host is still reading when the client goes.
    const big = Buffer.concat([PNG, randomBytes(8 * 1024 * 1024)]);
    expect((await attach('#2', 'big.png', big)).status).toBe(200);
    const file = `${sha(big)}`;
    const openHere = (): number => readdirSync(`/proc/${host.pid}/fd`).filter((fd) => {
      try {
        return readlinkSync(`/proc/${host.pid}/fd/${fd}`).endsWith(file);
      } catch {
        return false; // closed while listed
      }
    }).length;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${host.url}/blobs/${file}`, { headers: { authorization: `Bearer ${host.token}` } }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (e) => (req.destroyed ? undefined : reject(e)));
      req.end();
    });
    await expect.poll(openHere, { timeout: 5000 }).toBe(0);
  });

  it('stores the same bytes once: two attachments, one file', async () => {
    const before = await storedState();
    const a = await attach('#1', 'again.png', PNG);
    const b = await attach('#2', 'elsewhere.png', PNG);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.body.result!.attachment.id).not.toBe(b.body.result!.attachment.id);
    const after = await storedState();
    expect(after.files).toEqual(before.files);
    expect(after.files.filter((f) => f.endsWith(sha(PNG)))).toHaveLength(1);
    expect(after.attachments).toBe(before.attachments + 1);
  });
});

/** An upload whose body never ends by itself: only a host that ends the connection ends it. */
function endlessUpload(query: string): Promise<{ status: number; connection: string | undefined; code: string | undefined; closedAfterMs: number }> {
  return new Promise((resolve) => {
    let answer: { status: number; connection: string | undefined; code: string | undefined } = { status: 0, connection: undefined, code: undefined };
    let answeredAt = 0;
    const req = request(`${host.url}/blobs${query}`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` } }, (res) => {
      answeredAt = Date.now();
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => (answer = { status: res.statusCode!, connection: res.headers.connection, code: (JSON.parse(Buffer.concat(parts).toString()) as Reply['body']).error?.code }));
    });
    req.on('error', () => undefined);
    req.on('close', () => resolve({ ...answer, closedAfterMs: Date.now() - answeredAt }));
    const chunk = Buffer.alloc(64 * 1024, 1);
    req.write(PNG);
    const pump = () => {
      while (!req.destroyed && req.write(chunk));
      if (!req.destroyed) req.once('drain', pump);
    };
    pump();
  });
}

describe('refusals leave nothing stored', () => {
  const refusals: [string, () => Promise<Reply>, number, string, RegExp][] = [
    ['a Windows executable named .png', () => attach('#1', 'screenshot.png', EXE), 415, 'attachment_type_refused', /screenshot\.png is a Windows executable.*PNG, JPEG, GIF and WebP/],
    ['an SVG', () => attach('#1', 'diagram.svg', SVG), 415, 'attachment_type_refused', /diagram\.svg is an SVG.*PNG, JPEG, GIF and WebP/],
    ['bytes nobody knows', () => attach('#1', 'noise.png', Buffer.from([0, 1, 2, 3, 250, 251, 252, 253, 0, 0, 9])), 415, 'attachment_type_refused', /is unknown bytes/],
    ['20 MiB + 1 with its Content-Length', () => attach('#1', 'huge.png', Buffer.concat([PNG, Buffer.alloc(LIMIT + 1 - PNG.length)])), 413, 'payload_too_large', /huge\.png is larger than 20 MiB/],
    [
      '20 MiB + 1 sent chunked, without a length',
      () => upload('?brief=%231&name=huge.png', { chunks: 20 * 16 + 1, chunkSize: 64 * 1024, first: PNG }),
      413,
      'payload_too_large',
      /larger than 20 MiB/,
    ],
    ['an empty body', () => attach('#1', 'empty.png', Buffer.alloc(0)), 400, 'invalid_request', /empty/],
    ['no name', () => upload('?brief=%231', PNG), 400, 'invalid_request', /Name the attachment/],
    ['a name past 255 characters', () => attach('#1', `${'n'.repeat(256)}.png`, PNG), 400, 'invalid_request', /at most 255/],
    ['an unknown brief', () => attach('#404', 'shot.png', Buffer.concat([PNG, Buffer.from('unseen')])), 404, 'brief_unknown', /No brief #404/],
  ];
  for (const [what, send, status, code, message] of refusals) {
    it(`refuses ${what} (${status} ${code})`, async () => {
      const before = await storedState();
      const r = await send();
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(r.body.error).toMatchObject({ code });
      expect(r.body.error!.message).toMatch(message);
      if (status === 413) expect(r.headers.connection).toBe('close');
      const after = await storedState();
      expect(after).toEqual(before);
      expect(readdirSync(join(host.home, 'blobs', 'tmp'))).toEqual([]);
    });
  }

  it('answers an upload that never ends with 413 once past the limit, and closes its connection', async () => {
    const outcome = await endlessUpload('?brief=%231&name=endless.png');
    expect(outcome.status).toBe(413);
    expect(outcome.closedAfterMs).toBeLessThan(5000);
    expect(readdirSync(join(host.home, 'blobs', 'tmp'))).toEqual([]);
  });

  it("answers a disk that fails while the upload still arrives (storage_failed), and closes the connection rather than leave its rest unread", async () => {
    // Where the upload's temporary file must go, a file: the store cannot even start writing.
    const tmp = join(host.home, 'blobs', 'tmp');
    rmSync(tmp, { recursive: true });
    writeFileSync(tmp, 'not a folder');
    try {
      const outcome = await endlessUpload('?brief=%231&name=late.png');
      expect(outcome).toMatchObject({ status: 507, connection: 'close', code: 'storage_failed' });
      expect(outcome.closedAfterMs).toBeLessThan(5000);
    } finally {
      rmSync(tmp, { force: true });
      mkdirSync(tmp, { mode: 0o700 });
    }
  });

  it('refuses a file that is not an image by its first bytes, while the rest is still being sent, and closes the connection', async () => {
    // An endless body starting like an executable: only a refusal made from its head can arrive.
    const r = await upload('?brief=%231&name=setup.png', { chunks: 0, chunkSize: 64 * 1024, first: EXE, endless: true });
    expect(r.status, JSON.stringify(r.body)).toBe(415);
    expect(r.body.error).toMatchObject({ code: 'attachment_type_refused', details: { detected: 'application/x-msdownload' } });
    expect(r.body.error!.message).toMatch(/setup\.png is a Windows executable/);
    expect(r.headers.connection).toBe('close');
    expect(readdirSync(join(host.home, 'blobs', 'tmp'))).toEqual([]);
  });

  it('names what an exe was detected as, and what is accepted, in the details', async () => {
    const r = await attach('#1', 'screenshot.png', EXE);
    expect(r.body.error!.details).toEqual({ detected: 'application/x-msdownload', described: 'a Windows executable', accepted: ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] });
  });

  it('refuses an unknown brief before reading the body: the answer comes while the upload has not ended', async () => {
    // An endless body: only an answer sent before reading it can arrive.
    const r = await upload('?brief=%23999&name=shot.png', { chunks: 0, chunkSize: 1024, first: PNG.subarray(0, 64), endless: true });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: 'brief_unknown' });
    expect(readdirSync(join(host.home, 'blobs', 'tmp'))).toEqual([]);
  });
});

describe('who may upload and read', () => {
  it('answers a missing or wrong token with 401, and stores nothing', async () => {
    const before = await storedState();
    expect((await attach('#1', 'x.png', PNG, {})).status).toBe(401);
    expect((await attach('#1', 'x.png', PNG, { authorization: `Bearer ${host.token.slice(0, -1)}x` })).status).toBe(401);
    expect((await fetch(`${host.url}/blobs/${sha(PNG)}`)).status).toBe(401);
    expect(await storedState()).toEqual(before);
  });

  it('answers a request from another site with 403, even with the token', async () => {
    const r = await attach('#1', 'x.png', PNG, { authorization: `Bearer ${host.token}`, origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'forbidden_origin' });
    const got = await fetch(`${host.url}/blobs/${sha(PNG)}`, { headers: { authorization: `Bearer ${host.token}`, origin: 'http://evil.example' } });
    expect(got.status).toBe(403);
  });

  it("records an upload with the page's session key as typed in the UI; the cookie alone uploads nothing", async () => {
    const { cookie, key } = await browserSession(host);
    const cookieOnly = await attach('#2', 'from the page.gif', GIF, { cookie, origin: host.url });
    expect({ status: cookieOnly.status, code: cookieOnly.body.error?.code }).toEqual({ status: 401, code: 'unauthorized' });
    const r = await attach('#2', 'from the page.gif', GIF, { cookie, 'x-grove-session': key, origin: host.url });
    expect(r.status).toBe(200);
    expect(r.body.result!.entries.at(-1)).toMatchObject({ kind: 'attachment_added', channel: 'ui', actor: { name: 'operator:mike' } });
  });

  it("names the agent whose own token uploaded it; an agent may not store a blob no brief names", async () => {
    const { token } = await orchestratorToken(host);
    const r = await attach('#1', 'lane 3 served.webp', WEBP, { authorization: `Bearer ${token}` });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result!.attachment.addedBy).toEqual({ kind: 'agent', name: 'flower-orchestrator' });
    expect(r.body.result!.entries.at(-1)).toMatchObject({ kind: 'attachment_added', channel: 'api', actor: { kind: 'agent', name: 'flower-orchestrator' } });
    // The agent reads it back with its own token.
    expect((await fetch(`${host.url}/blobs/${sha(WEBP)}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    const bare = await upload('', JPEG, { authorization: `Bearer ${token}` });
    expect(bare.status).toBe(403);
    // An agent's own token never writes as the app (the UI is the operator's): recorded as the API.
    const note = await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: 'served on lane 3' }, via: 'ui' }, { authorization: `Bearer ${token}` });
    expect(note.body.ok, JSON.stringify(note.body)).toBe(true);
    expect((note.body.result as { entries: { channel: string; actor: unknown }[] }).entries.at(-1)).toMatchObject({ channel: 'api', actor: { kind: 'agent', name: 'flower-orchestrator' } });
  });
});

describe('a blob with no brief, redaction and the start-up sweep', () => {
  it('stores a blob without a brief (for import) but does not serve it until an attachment names it', async () => {
    // Different bytes from every other test's: a GIF with a comment extension is still a GIF.
    const unique = Buffer.concat([GIF.subarray(0, 13), Buffer.from([0x21, 0xfe, 0x05, ...Buffer.from('bare!'), 0x00]), GIF.subarray(13)]);
    const r = await upload('', unique);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.result).toEqual({ sha256: sha(unique), type: 'image/gif', size: unique.length });
    expect((await fetch(`${host.url}/blobs/${sha(unique)}`, { headers: { authorization: `Bearer ${host.token}` } })).status).toBe(404);
    const attached = await api(host, 'briefs.append', { ref: '#2', action: { kind: 'attachment_added', sha256: sha(unique), name: 'imported.gif' } });
    expect(attached.status).toBe(200);
    expect((await fetch(`${host.url}/blobs/${sha(unique)}`, { headers: { authorization: `Bearer ${host.token}` } })).status).toBe(200);
  });

  it('deletes a redacted attachment’s blob when nothing else names it, keeps it while another attachment does', async () => {
    const solo = Buffer.concat([JPEG.subarray(0, JPEG.length - 2), Buffer.from('solo'), JPEG.subarray(JPEG.length - 2)]);
    const a = await attach('#2', 'solo.jpg', solo);
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    const file = join(host.home, 'blobs', sha(solo).slice(0, 2), sha(solo));
    expect(readFileSync(file).equals(solo)).toBe(true);
    const redacted = await api(host, 'briefs.redact', { ref: '#2', entryId: a.body.result!.attachment.entryId, reason: 'a token was on screen' });
    expect(redacted.status).toBe(200);
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
    expect((await fetch(`${host.url}/blobs/${sha(solo)}`, { headers: { authorization: `Bearer ${host.token}` } })).status).toBe(404);

    // PNG is attached several times above: redacting one keeps the file for the others.
    const got = await api(host, 'briefs.get', { ref: '#2' });
    const shared = (got.body.result as { brief: { attachments: { sha256: string; entryId: string }[] } }).brief.attachments.find((x) => x.sha256 === sha(PNG))!;
    expect((await api(host, 'briefs.redact', { ref: '#2', entryId: shared.entryId, reason: 'duplicate' })).status).toBe(200);
    const served = await fetch(`${host.url}/blobs/${sha(PNG)}`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
  });

  it('sweeps a blob stored without a brief and a leftover temp file at the next start, and keeps attached ones', async () => {
    const orphanBytes = Buffer.concat([GIF.subarray(0, 13), Buffer.from([0x21, 0xfe, 0x06, ...Buffer.from('orphan'), 0x00]), GIF.subarray(13)]);
    const stored = await upload('', orphanBytes);
    expect(stored.status).toBe(200);
    const orphan = join(host.home, 'blobs', sha(orphanBytes).slice(0, 2), sha(orphanBytes));
    readFileSync(orphan);
    mkdirSync(join(host.home, 'blobs', 'tmp'), { recursive: true });
    writeFileSync(join(host.home, 'blobs', 'tmp', '1700000000000-deadbeef'), 'half an upload');
    const home = host.home;
    await host.kill9();
    host = await startHostProcess({ home, env: { GROVE_OPERATOR_NAME: 'mike' } });
    expect(() => readFileSync(orphan)).toThrow(/ENOENT/);
    expect(readdirSync(join(home, 'blobs', 'tmp'))).toEqual([]);
    const kept = await fetch(`${host.url}/blobs/${sha(PNG)}`, { headers: { authorization: `Bearer ${host.token}` } });
    expect(Buffer.from(await kept.arrayBuffer()).equals(PNG)).toBe(true);
  });
});

describe('grove brief attach (briefAttach)', () => {
  const cli = (json = false) => {
    const out: string[] = [];
    const err: string[] = [];
    const ctx: CliContext = { dataDir: host.home, json, out: (t) => out.push(t), errOut: (t) => err.push(t), hostEntry: '' };
    return { ctx, out, err };
  };
  const noAgent = { PATH: process.env.PATH };

  it('streams a file with the operator’s token and says what it attached, recorded as from the CLI', async () => {
    const { ctx, out } = cli();
    const code = await briefAttach(ctx, '1', join(images, 'screenshot.png'), { env: noAgent });
    expect(code).toBe(0);
    expect(out).toEqual([`attached screenshot.png (image/png, 12 KiB) to #1`]);
    const got = await api(host, 'briefs.get', { ref: '#1', limit: 1 });
    expect((got.body.result as { trace: BriefEntry[] }).trace[0]).toMatchObject({ kind: 'attachment_added', channel: 'cli', actor: { name: 'operator:mike' } });
  });

  it('uses the agent’s own token inside an agent, and prints one JSON document with --json', async () => {
    const { token } = await orchestratorToken(host);
    const { ctx, out } = cli(true);
    const code = await briefAttach(ctx, '#2', join(images, 'photo.jpg'), { env: { GROVE_URL: host.url, GROVE_AGENT_TOKEN: token } });
    expect(code).toBe(0);
    expect(out).toHaveLength(1);
    const doc = JSON.parse(out[0]!) as { ok: boolean; brief: Brief; attachment: BriefAttachment };
    expect(doc).toMatchObject({ ok: true, brief: { number: 2 }, attachment: { name: 'photo.jpg', type: 'image/jpeg', size: JPEG.length, addedBy: { kind: 'agent', name: 'flower-orchestrator' } } });
  });

  it('passes on the host’s refusal, and refuses a missing file before asking the host', async () => {
    const dir = makeTempDir('grove-attach-');
    writeFileSync(join(dir, 'diagram.png'), SVG);
    const before = await storedState();
    const refused = cli(true);
    expect(await briefAttach(refused.ctx, '#1', join(dir, 'diagram.png'), { env: noAgent })).toBe(1);
    expect(JSON.parse(refused.out[0]!)).toMatchObject({ ok: false, error: { code: 'attachment_type_refused', message: expect.stringMatching(/diagram\.png is an SVG/) } });
    const plain = cli();
    expect(await briefAttach(plain.ctx, '#1', join(dir, 'diagram.png'), { env: noAgent })).toBe(1);
    expect(plain.err.join('\n')).toMatch(/diagram\.png is an SVG, by its bytes; a brief accepts PNG, JPEG, GIF and WebP images only/);
    const missing = cli();
    expect(await briefAttach(missing.ctx, '#1', join(dir, 'nope.png'), { env: noAgent })).toBe(1);
    expect(missing.err).toEqual([`No file ${join(dir, 'nope.png')}.`]);
    const unknown = cli();
    expect(await briefAttach(unknown.ctx, '#77', join(images, 'dot.gif'), { env: noAgent })).toBe(1);
    expect(unknown.err.join('')).toMatch(/No brief #77/);
    expect(await storedState()).toEqual(before);
  });
});
