import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { CallFailure } from '../../host-client/call-host';
import { postFile } from '../../host-client/post-file';
import { MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import type { Brief, BriefAttachment, BriefEntry } from '../../shared/briefs';
import { formatBytes } from '../../shared/byte-size';
import { Paths } from '../../shared/paths';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, say } from '../lane-target';
import { requireHost } from '../require-host';

/**
 * `grove brief attach REF FILE [--json]`: an image (PNG, JPEG, GIF, WebP) streamed from disk to
 * `POST /blobs?brief=REF&name=FILE'S NAME`, e.g. an agent's screenshot of the lane it serves.
 * Inside an agent the agent's own token is used (the entry names the agent), elsewhere the
 * operator's. The host decides what the bytes are and says why it refuses them.
 */
export const BRIEF_ATTACH_USAGE = 'grove brief attach REF FILE [--json]';

type Answer = { ok: true; result: { brief: Brief; entries: BriefEntry[]; attachment: BriefAttachment } } | { ok: false; error: CallFailure };

export async function briefAttach(ctx: CliContext, ref: string, file: string, opts: { env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const local = await checkFile(file);
  if (!local.ok) return refuseFile(ctx, local.error);
  const host = await requireHost(ctx, { agentMay: true, env: opts.env });
  if (!host.ok) return host.code;
  const name = basename(file);
  const url = new URL(`${Paths.blobs}?brief=${encodeURIComponent(ref)}&name=${encodeURIComponent(name)}`, host.target.url);
  // Streamed from disk, never read whole: the host hashes and checks it as it arrives.
  const sent = await postFile(url, { path: file, size: local.size }, { authorization: `Bearer ${host.target.token}`, 'x-grove-via': 'cli', 'content-type': 'application/octet-stream' }, 120_000);
  if (!sent.ok) {
    if (sent.error.kind === 'file_unreadable') return refuseFile(ctx, { code: 'file_invalid', message: sent.error.message });
    return fail(ctx, { code: 'unreachable', message: `Cannot reach Grove's host at ${host.target.url}: ${sent.error.message}` });
  }
  const answer = parseAnswer(sent.value.body);
  if (!answer) return fail(ctx, { code: 'unreachable', message: `The host answered HTTP ${sent.value.status} to ${Paths.blobs} without a JSON body (is it older than attachments?).` });
  if (!answer.ok) return fail(ctx, answer.error);
  const { brief, entries, attachment } = answer.result;
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, brief, entries, attachment }));
  else ctx.out(`attached ${attachment.name} (${attachment.type}, ${formatBytes(attachment.size)}) to #${brief.number}`);
  return ExitCode.ok;
}

/** The file, not the host, is what was wrong. */
function refuseFile(ctx: CliContext, error: { code: string; message: string }): number {
  say(ctx, error);
  return ExitCode.failed;
}

function parseAnswer(body: string): Answer | null {
  try {
    return JSON.parse(body) as Answer;
  } catch {
    return null;
  }
}

/** What can be said before the host is asked: the file is missing, not a file, empty or too large. */
async function checkFile(file: string): Promise<{ ok: true; size: number } | { ok: false; error: { code: string; message: string } }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) return { ok: false, error: { code: 'file_invalid', message: `${file} is not a file; attach an image file (PNG, JPEG, GIF or WebP).` } };
    size = s.size;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, error: { code: 'file_missing', message: code === 'ENOENT' ? `No file ${file}.` : `Cannot read ${file}: ${(e as Error).message}` } };
  }
  if (size === 0) return { ok: false, error: { code: 'file_invalid', message: `${file} is empty; attach an image file (PNG, JPEG, GIF or WebP).` } };
  if (size > MAX_ATTACHMENT_BYTES) {
    return { ok: false, error: { code: 'payload_too_large', message: `${file} is ${formatBytes(size)}, larger than ${formatBytes(MAX_ATTACHMENT_BYTES)}, the limit for an attachment; crop or compress it and attach it again.` } };
  }
  return { ok: true, size };
}
