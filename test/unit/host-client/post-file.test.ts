import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postFile } from '../../../src/host-client/post-file';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  servers = [];
  removeTempDirs();
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<URL> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.on('connection', (s) => server.once('close', () => s.destroy()));
  return new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/blobs`);
}

function file(bytes: Buffer): { path: string; size: number } {
  const path = join(makeTempDir('grove-post-file-'), 'screen.png');
  writeFileSync(path, bytes);
  return { path, size: bytes.length };
}

describe('postFile', () => {
  it('sends the file whole with its length declared, with the headers given, and returns the answer', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const seen: { length?: string; auth?: string; encoding?: string; sha?: string; size?: number } = {};
    const url = await serve((req, res) => {
      Object.assign(seen, { length: req.headers['content-length'], auth: req.headers.authorization, encoding: req.headers['transfer-encoding'] });
      const hash = createHash('sha256');
      let size = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        size += c.length;
      });
      req.on('end', () => {
        Object.assign(seen, { sha: hash.digest('hex'), size });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    const sent = await postFile(url, file(bytes), { authorization: 'Bearer t0k' }, 10_000);
    expect(sent).toEqual({ ok: true, value: { status: 200, body: '{"ok":true}' } });
    expect(seen).toEqual({ length: String(bytes.length), auth: 'Bearer t0k', encoding: undefined, sha: createHash('sha256').update(bytes).digest('hex'), size: bytes.length });
  });

  it('returns a refusal the host answers before reading the body, and stops sending the rest', async () => {
    // As the host refuses (blob-http.ts): the whole answer written at once, the connection
    // left open (a close while the client still sends is a reset, which can overtake the
    // answer), and here nothing of the body read, so the client can only finish by giving up
    // on the rest once it has the answer: 32 MiB outlasts every buffer of a loopback socket.
    let complete: boolean | undefined;
    let held: IncomingMessage | undefined;
    const url = await serve((req, res) => {
      held = req;
      const body = '{"ok":false}';
      res.writeHead(413, { connection: 'close', 'content-length': String(body.length) });
      res.write(body);
      req.on('close', () => {
        complete = req.complete;
        res.destroy();
      });
    });
    const sent = await postFile(url, file(randomBytes(32 * 1024 * 1024)), {}, 10_000);
    expect(sent).toEqual({ ok: true, value: { status: 413, body: '{"ok":false}' } });
    // Now read what the socket holds: it ends short of the declared length.
    held?.resume();
    await expect.poll(() => complete).toBe(false);
  });

  it('says the file changed when it holds fewer or more bytes than were declared, and the host gets no whole body', async () => {
    const ends: string[] = [];
    const url = await serve((req, res) => {
      req.on('end', () => ends.push('end'));
      req.on('aborted', () => ends.push('aborted'));
      req.on('close', () => res.end());
      req.resume();
    });
    const bytes = randomBytes(2 * 1024 * 1024);
    const shrunk = await postFile(url, { ...file(bytes), size: bytes.length + 10 }, {}, 10_000);
    expect(shrunk).toMatchObject({ ok: false, error: { kind: 'file_unreadable', message: expect.stringMatching(/screen\.png changed while it was being sent \(it was 2097162 bytes, 2097152 were read\); send it again/) } });
    const grown = await postFile(url, { ...file(bytes), size: bytes.length - 10 }, {}, 10_000);
    expect(grown).toMatchObject({ ok: false, error: { kind: 'file_unreadable', message: expect.stringMatching(/changed while it was being sent/) } });
    await expect.poll(() => ends.length).toBe(2);
    expect(ends).toEqual(['aborted', 'aborted']);
  });

  it('says which file it cannot read, and that nothing answers where no host listens or none answers in time', async () => {
    const url = await serve(() => {
      // Never answers.
    });
    const missing = await postFile(url, { path: '/nonexistent/screen.png', size: 10 }, {}, 10_000);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'file_unreadable', message: expect.stringMatching(/^Cannot read \/nonexistent\/screen\.png: ENOENT/) } });
    const silent = await postFile(url, file(randomBytes(1000)), {}, 300);
    expect(silent).toEqual({ ok: false, error: { kind: 'unreachable', message: 'no answer within 300 ms' } });

    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await postFile(new URL(`http://127.0.0.1:${port}/blobs`), file(randomBytes(1000)), {}, 10_000);
    expect(down).toEqual({ ok: false, error: { kind: 'unreachable', message: 'ECONNREFUSED' } });
  });
});
