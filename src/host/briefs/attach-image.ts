import { ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import type { Actor, BriefAttachment, Channel } from '../../shared/briefs';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import type { BlobStore, PutError, StoredBlob } from './blob-store';
import type { BriefService, Written } from './brief-service';
import type { BriefStore } from './brief-store';
import { describeRefusedType } from './refused-type';

/**
 * The one way an image becomes an attachment, whoever brings it: an upload to `/blobs`
 * (blob-http.ts) or an agent's `attach_screenshot` over MCP. The bytes are streamed into the
 * blob store (hashed, sniffed, fsynced, renamed into place), then the `attachment_added`
 * entry is appended as its writer; if the entry is refused, a blob this call created and no
 * attachment names goes again, so a refusal leaves nothing behind.
 */
export interface AttachDeps {
  blobs: BlobStore;
  service: BriefService;
  store: Pick<BriefStore, 'blobRefs'>;
}

export interface AttachTarget {
  /**
   * The brief's id, resolved before the bytes come: its number may move while they stream in
   * (a provisional brief's first push), and `#N` would then name another brief.
   */
  briefId: string;
  /** The file's name, as the trace shows it. */
  name: string;
  actor: Actor;
  channel: Channel;
}

export type Attached = Written & { attachment: BriefAttachment | { sha256: string; type: string; size: number } };

/** Why the bytes were not stored, with their first bytes (a refusal says what the file was). */
export type StoreFailure = { failure: PutError; head: Buffer };

const SNIFF_BYTES = 4100;
const ACCEPTED = 'PNG, JPEG, GIF and WebP';
const MIB = 1024 * 1024;

/** Streams the body into the blob store, keeping its first bytes in case it is refused. */
export async function storeImage(blobs: BlobStore, body: AsyncIterable<Uint8Array>): Promise<Result<StoredBlob, StoreFailure>> {
  const head: Uint8Array[] = [];
  const put = await blobs.put(keepHead(body, head));
  return put.ok ? ok(put.value) : err({ failure: put.error, head: Buffer.concat(head) });
}

/** Appends the `attachment_added` entry for a stored blob; a refused entry takes a blob only it needed away again. */
export function attachStored(deps: AttachDeps, stored: StoredBlob, target: AttachTarget): Result<Attached, ApiError> {
  const written = deps.service.append(target.briefId, { kind: 'attachment_added', sha256: stored.sha256, name: target.name }, target.actor, target.channel);
  if (!written.ok) {
    if (stored.created && deps.store.blobRefs(stored.sha256) === 0) deps.blobs.remove(stored.sha256);
    return written;
  }
  const { brief, entries } = written.value;
  const entry = entries.find((e) => e.kind === 'attachment_added');
  const attachment = brief.attachments.find((a) => a.entryId === entry?.id) ?? { sha256: stored.sha256, type: stored.type, size: stored.size };
  return ok({ brief, entries, attachment });
}

/** Both steps: the bytes stored, then the entry; any refusal as an ApiError (and the store's reason, for callers that answer some differently). */
export async function attachImage(deps: AttachDeps, target: AttachTarget, body: AsyncIterable<Uint8Array>): Promise<Result<Attached, { error: ApiError; failure: PutError | null }>> {
  const stored = await storeImage(deps.blobs, body);
  if (!stored.ok) return err({ error: storeRefusal(stored.error, target.name), failure: stored.error.failure });
  const attached = attachStored(deps, stored.value, target);
  return attached.ok ? attached : err({ error: attached.error, failure: null });
}

/** What a refused body is told, naming the file and how to fix it. */
export function storeRefusal({ failure, head }: StoreFailure, name: string | undefined): ApiError {
  switch (failure.kind) {
    case 'too_large':
      return tooLarge(name);
    case 'type_refused': {
      const described = describeRefusedType(failure.detected, head);
      return apiError('attachment_type_refused', `${name ?? 'The file'} is ${described}, by its bytes; a brief accepts ${ACCEPTED} images only.`, {
        detected: failure.detected,
        described,
        accepted: [...ATTACHMENT_TYPES],
      });
    }
    case 'empty':
      return apiError('invalid_request', `${name ?? 'The upload'} was empty: there are no bytes to attach.`);
    case 'store_failed':
      return apiError('storage_failed', `The host ${failure.message}; nothing was stored. Free space in the data dir (or fix its disk) and try again.`);
    case 'read_failed':
      return apiError('invalid_request', `${name ?? 'The upload'} could not be read to its end (${failure.message}); nothing was stored.`);
    case 'mismatch':
      return apiError('invalid_request', `${name ?? 'The upload'} did not hash to the sha256 it was expected to have (it hashed to ${failure.sha256}); nothing was stored.`);
  }
}

export function tooLarge(name: string | undefined): ApiError {
  return apiError(
    'payload_too_large',
    `${name ?? 'The file'} is larger than ${MAX_ATTACHMENT_BYTES / MIB} MiB, the limit for an attachment; crop or compress it and attach it again.`,
    { limit: MAX_ATTACHMENT_BYTES },
  );
}

/** Passes the body on while keeping its first bytes, so a refusal can say what the file was. */
async function* keepHead(body: AsyncIterable<Uint8Array>, head: Uint8Array[]): AsyncGenerator<Uint8Array> {
  let kept = 0;
  for await (const chunk of body) {
    if (kept < SNIFF_BYTES) {
      head.push(chunk.subarray(0, SNIFF_BYTES - kept));
      kept += chunk.length;
    }
    yield chunk;
  }
}
