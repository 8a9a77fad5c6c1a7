import { createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { callHost, type CallFailure } from '../../host-client/call-host';
import { MAX_TRACE_PAGE } from '../../shared/brief-constants';
import { err, ok, type Result } from '../../shared/result';
import type { Target } from '../lane-target';
import { readBlob } from './brief-blob-client';

/**
 * `grove brief export`: the store's event log as JSON Lines, oldest first, one BriefEntry
 * per line, read page by page from briefs.export. An attachment's bytes travel with it: a
 * line `{"blob":{"sha256","type","base64"}}` comes before the first entry that names it, so
 * an import can store the bytes before the entry that needs them (each blob once).
 */
export type ExportCount = { entries: number; blobs: number; lastSeq: number | null };

export async function exportBriefs(target: Target, afterSeq: number, out: Writable): Promise<Result<ExportCount, CallFailure>> {
  const sink = lineSink(out);
  try {
    return await exportInto(target, afterSeq, sink.write);
  } finally {
    sink.release();
  }
}

async function exportInto(target: Target, afterSeq: number, writeLine: (line: string) => Promise<void>): Promise<Result<ExportCount, CallFailure>> {
  const written = new Set<string>();
  const count: ExportCount = { entries: 0, blobs: 0, lastSeq: null };
  let after = afterSeq;
  for (;;) {
    const page = await callHost(target, 'briefs.export', { afterSeq: after, limit: MAX_TRACE_PAGE }, 60_000);
    if (!page.ok) return page;
    for (const e of page.value.entries) {
      if (e.kind === 'attachment_added' && e.payload && !written.has(e.payload.sha256)) {
        const blob = await readBlob(target, e.payload.sha256);
        if (!blob.ok) return err({ ...blob.error, message: `${blob.error.message} (the bytes of ${e.payload.name}, attached to brief ${e.briefId})` } as CallFailure);
        await writeLine(JSON.stringify({ blob: { sha256: e.payload.sha256, type: blob.value.type, base64: blob.value.bytes.toString('base64') } }));
        written.add(e.payload.sha256);
        count.blobs++;
      }
      await writeLine(JSON.stringify(e));
      count.entries++;
      count.lastSeq = e.seq;
    }
    if (page.value.nextAfterSeq === null) return ok(count);
    after = page.value.nextAfterSeq;
  }
}

/**
 * Lines onto a stream, waiting for it to drain when it asks to (a pipe to a slow reader). A
 * write error (a reader gone: EPIPE; a full disk) arrives as an event, possibly after the
 * write returned: it is kept and thrown by the next write, never left unhandled.
 */
function lineSink(out: Writable): { write(line: string): Promise<void>; release(): void } {
  let failure: Error | null = null;
  const onError = (e: Error) => (failure ??= e);
  out.on('error', onError);
  return {
    write: async (line) => {
      if (failure) throw failure;
      if (out.write(line + '\n')) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          out.off('drain', done);
          out.off('close', done);
          resolve();
        };
        out.on('drain', done);
        out.on('close', done);
      });
      if (failure) throw failure;
    },
    release: () => out.off('error', onError),
  };
}

/**
 * A file written whole or not at all: lines go to FILE.partial, renamed to FILE only once
 * the export finished, so a failed export never leaves a file that looks complete.
 */
export function exportFile(path: string): { stream: Writable; commit(): Promise<void>; abandon(): void } {
  const partial = `${path}.partial`;
  // Opened here, not lazily by the stream, so a missing directory is an error the caller sees now.
  const stream = createWriteStream(partial, { fd: openSync(partial, 'w', 0o600) });
  const closed = new Promise<void>((resolve, reject) => {
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  // Seen by the writes' own callbacks too; handled here so an early error is not an unhandled rejection.
  closed.catch(() => undefined);
  return {
    stream,
    commit: async () => {
      stream.end();
      await closed;
      renameSync(partial, path);
    },
    abandon: () => {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}
