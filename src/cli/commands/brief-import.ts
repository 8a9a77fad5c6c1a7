import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { callHost, type CallFailure } from '../../host-client/call-host';
import { MAX_TRACE_PAGE } from '../../shared/brief-constants';
import { BriefEntry, Sha256 } from '../../shared/briefs';
import { err, ok, type Result } from '../../shared/result';
import { MAX_BODY_BYTES } from '../../shared/wire';
import type { Target } from '../lane-target';
import { storeBlob } from './brief-blob-client';

/**
 * `grove brief import FILE`: replays a `grove brief export` file into this host.
 *
 * Two passes over the file. The first checks every line (JSON, a BriefEntry or a blob line
 * whose bytes hash to its sha256) and sends nothing, so a malformed line anywhere means
 * nothing at all is imported and the error names its line. The second stores each blob
 * (`POST /blobs`) when it meets it, which is before the entries that name it, and sends the
 * entries in batches of up to 500 to briefs.import. Each batch is one transaction on the
 * host: a batch the host refuses (an entry of a brief the file never creates, a missing
 * blob) leaves nothing of itself behind, the batches before it stay, and because the host
 * skips entries it already has, running the import again after a fix completes it and
 * running it twice changes nothing.
 */
const BlobLine = z.object({ blob: z.object({ sha256: Sha256, type: z.string(), base64: z.string().min(1) }).strict() }).strict();

export type ImportProblem = { kind: 'malformed'; line: number; message: string } | { kind: 'refused'; line: number; error: CallFailure; imported: number };
export type ImportCount = { imported: number; skipped: number; blobs: number; renumbered: { briefId: string; from: number; to: number }[] };

type Line = { line: number; value: { kind: 'entry'; entry: BriefEntry } | { kind: 'blob'; sha256: string; bytes: Buffer } };

/**
 * The longest line an export holds: a blob line of the largest image (20 MiB, base64 is 4/3
 * of that) with room for its JSON. A longer line is not an export's; it is refused by number
 * before it is read whole into memory.
 */
export const MAX_LINE_BYTES = 28 * 1024 * 1024;

type ReadLine = { line: number; text: string } | { line: number; tooLong: true };

/** The file's non-empty lines, numbered; stops at a line longer than MAX_LINE_BYTES. */
async function* readLines(path: string): AsyncGenerator<ReadLine> {
  let n = 0;
  let parts: Buffer[] = [];
  let size = 0;
  const finish = (): ReadLine | null => {
    n++;
    const text = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    parts = [];
    size = 0;
    return text.trim() ? { line: n, text } : null;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl >= 0; nl = chunk.indexOf(10, from)) {
      parts.push(chunk.subarray(from, nl));
      size += nl - from;
      if (size > MAX_LINE_BYTES) return void (yield { line: n + 1, tooLong: true });
      const done = finish();
      if (done) yield done;
      from = nl + 1;
    }
    parts.push(chunk.subarray(from));
    size += chunk.length - from;
    if (size > MAX_LINE_BYTES) return void (yield { line: n + 1, tooLong: true });
  }
  const last = finish();
  if (last) yield last;
}

const tooLong = (line: number): ImportProblem => ({ kind: 'malformed', line, message: `longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, which no exported entry or image is (is this a \`grove brief export\` file?)` });

function parseLine(text: string): { ok: true; value: Line['value'] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, message: `not JSON (${(e as Error).message})` };
  }
  if (json && typeof json === 'object' && 'blob' in json) {
    const blob = BlobLine.safeParse(json);
    if (!blob.success) return { ok: false, message: `a blob line needs {"blob":{"sha256","type","base64"}}: ${blob.error.issues[0]?.message}` };
    const bytes = Buffer.from(blob.data.blob.base64, 'base64');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== blob.data.blob.sha256) return { ok: false, message: `the blob's bytes hash to ${sha256}, not ${blob.data.blob.sha256} (the file is damaged)` };
    return { ok: true, value: { kind: 'blob', sha256, bytes } };
  }
  const entry = BriefEntry.safeParse(json);
  if (!entry.success) {
    const issue = entry.error.issues[0];
    return { ok: false, message: `not a brief entry (${issue ? `${issue.path.join('.') || 'the line'}: ${issue.message}` : 'unknown shape'})` };
  }
  return { ok: true, value: { kind: 'entry', entry: entry.data } };
}

/** The first pass: every line checked, nothing sent. */
export async function checkImportFile(path: string): Promise<Result<{ entries: number; blobs: number }, ImportProblem>> {
  let entries = 0;
  let blobs = 0;
  for await (const read of readLines(path)) {
    if ('tooLong' in read) return err(tooLong(read.line));
    const { line, text } = read;
    const parsed = parseLine(text);
    if (!parsed.ok) return err({ kind: 'malformed', line, message: parsed.message });
    if (parsed.value.kind === 'blob') blobs++;
    else entries++;
  }
  return ok({ entries, blobs });
}

/** Half the body limit: room for the request's own JSON around the entries. */
const BATCH_BYTES = MAX_BODY_BYTES / 2;

/** The second pass: blobs stored as met, entries sent in batches of up to 500 (call checkImportFile first). */
export async function importFile(target: Target, path: string): Promise<Result<ImportCount, ImportProblem>> {
  const count: ImportCount = { imported: 0, skipped: 0, blobs: 0, renumbered: [] };
  let batch: { line: number; entry: BriefEntry }[] = [];
  // Batches are bounded by size as well as count: a request body is limited (MAX_BODY_BYTES),
  // and a store of long specs reaches it long before 500 entries.
  let batchBytes = 0;
  const send = async (): Promise<ImportProblem | null> => {
    if (!batch.length) return null;
    const r = await callHost(target, 'briefs.import', { entries: batch.map((b) => b.entry) }, 120_000);
    if (!r.ok) {
      const entryId = 'details' in r.error ? r.error.details?.entryId : undefined;
      const at = batch.find((b) => b.entry.id === entryId);
      return { kind: 'refused', line: at?.line ?? batch[0]!.line, error: r.error, imported: count.imported };
    }
    count.imported += r.value.imported;
    count.skipped += r.value.skipped;
    count.renumbered.push(...r.value.renumbered);
    batch = [];
    batchBytes = 0;
    return null;
  };
  for await (const read of readLines(path)) {
    if ('tooLong' in read) return err(tooLong(read.line));
    const { line, text } = read;
    const parsed = parseLine(text);
    if (!parsed.ok) return err({ kind: 'malformed', line, message: parsed.message });
    if (parsed.value.kind === 'entry') {
      const bytes = Buffer.byteLength(text);
      if (batch.length > 0 && batchBytes + bytes > BATCH_BYTES) {
        const problem = await send();
        if (problem) return err(problem);
      }
      batch.push({ line, entry: parsed.value.entry });
      batchBytes += bytes;
      if (batch.length === MAX_TRACE_PAGE) {
        const problem = await send();
        if (problem) return err(problem);
      }
      continue;
    }
    const stored = await storeBlob(target, parsed.value.bytes);
    if (!stored.ok) return err({ kind: 'refused', line, error: stored.error, imported: count.imported });
    count.blobs++;
  }
  const problem = await send();
  return problem ? err(problem) : ok(count);
}
