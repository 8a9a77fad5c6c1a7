import { createReadStream } from 'node:fs';
import { request } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A file sent as the raw body of one POST to the host, streamed from disk and never read
 * whole. It goes through `node:http` with its length declared, read a MiB at a time: `fetch`
 * with a streamed body sends it chunked in 64 KiB pieces through web streams, and measured
 * about three times slower for a 10 MiB screenshot (`npm run bench -- briefs`). With the
 * length declared the host also refuses an oversized file before reading a byte of it.
 */
export type PostFileAnswer = { status: number; body: string };
export type PostFileFailure =
  /** Nothing answered: the host is down, or the connection broke before an answer came. */
  | { kind: 'unreachable'; message: string }
  /** The file could not be read to its end, or is not the size it was when the upload started (written to meanwhile). */
  | { kind: 'file_unreadable'; message: string };

const READ_CHUNK = 1024 * 1024;

export function postFile(
  url: URL,
  file: { path: string; size: number },
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<{ ok: true; value: PostFileAnswer } | { ok: false; error: PostFileFailure }> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (v: { ok: true; value: PostFileAnswer } | { ok: false; error: PostFileFailure }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(v);
    };
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(file.size) } });
    const timer = setTimeout(() => {
      req.destroy();
      settle({ ok: false, error: { kind: 'unreachable', message: `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}` } });
    }, timeoutMs);
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        settle({ ok: true, value: { status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') } });
        // An answer before the whole body went (a refusal) ends the sending too.
        if (!req.writableFinished) req.destroy();
      });
      res.on('error', (e) => settle({ ok: false, error: { kind: 'unreachable', message: (e as NodeJS.ErrnoException).code ?? e.message } }));
    });
    req.on('error', (e) => {
      // A host that refuses the body early (413) may close while the rest is being sent: its
      // answer, already on its way, is what counts, so only an error with no answer settles.
      setImmediate(() => settle({ ok: false, error: { kind: 'unreachable', message: (e as NodeJS.ErrnoException).code ?? e.message } }));
    });
    let sent = 0;
    const counted = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length;
        if (sent > file.size) return done(changed(file, sent));
        done(null, chunk);
      },
      flush(done) {
        done(sent === file.size ? null : changed(file, sent));
      },
    });
    const source = createReadStream(file.path, { highWaterMark: READ_CHUNK });
    let unreadable: string | null = null;
    source.on('error', (e) => {
      unreadable = `Cannot read ${file.path}: ${e.message}`;
    });
    pipeline(source, counted, req).catch((e: unknown) => {
      const message = e instanceof FileChanged ? e.message : unreadable;
      if (message !== null) settle({ ok: false, error: { kind: 'file_unreadable', message } });
      // Any other error is the connection's, and req's own 'error' handler reports it.
    });
  });
}

class FileChanged extends Error {}

function changed(file: { path: string; size: number }, sent: number): FileChanged {
  return new FileChanged(`${file.path} changed while it was being sent (it was ${file.size} bytes, ${sent} were read); send it again once it is written.`);
}
