import type { Actor } from '../../shared/briefs';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_ATTACHMENT_BYTES } from '../../shared/brief-constants';
import type { Channel } from '../../shared/briefs';
import { apiError, httpStatusOf, type ApiError } from '../../shared/errors';
import { Paths } from '../../shared/paths';
import { presentedToken } from '../api/auth';
import type { Principal } from '../api/dispatch';
import { SECURITY_HEADERS, sendError, sendJson } from '../api/http-replies';
import type { Logger } from '../logger';
import type { BlobFetch } from '../sync/blob-sync';
import { attachStored, storeImage, storeRefusal, tooLarge, type StoreFailure } from './attach-image';
import type { BlobStore } from './blob-store';
import type { BriefStore } from './brief-store';
import { unknownBrief, type BriefService } from './brief-service';

/**
 * The attachments' bytes over HTTP (docs/protocol.md, "Blobs"). `POST /blobs?brief=REF&name=NAME`
 * streams the raw body into the blob store (never buffered whole, never JSON) and then appends
 * an `attachment_added` entry; `POST /blobs` without `brief` stores only (import uploads a
 * backup's blobs before its entries). `GET /blobs/<sha256>` serves a blob an attachment names.
 *
 * Everything that can be refused without the body (who, which brief, the name, a declared
 * size) is refused before a byte is read, so a refusal stores nothing; a file that is not an
 * image is refused by its first bytes, without waiting for the rest; a body refused while
 * streaming leaves no file (the store removes its temp file) and no row.
 */
export type BlobRoute = (req: IncomingMessage, res: ServerResponse, principal: Principal) => Promise<void>;

export interface BlobRouteDeps {
  blobs: BlobStore;
  service: BriefService;
  store: Pick<BriefStore, 'resolve' | 'blobRefs' | 'blobName'>;
  logger: Logger;
  /** Fetches from the shared store an image an attachment names but this host lacks (blob-sync.ts). */
  fetchBlob: (sha256: string) => Promise<BlobFetch>;
}

const SHA_PATH = /^\/([0-9a-f]{64})$/;
const MAX_NAME = 255;
/** How long a refused oversized upload may go on being sent (and discarded) before its connection closes. */
const LINGER_MS = 2000;

export function createBlobRoute(deps: BlobRouteDeps): BlobRoute {
  return async (req, res, principal) => {
    const url = new URL(req.url ?? '/', 'http://host.invalid');
    const rest = url.pathname.slice(Paths.blobs.length);
    if (rest === '' && req.method === 'POST') return upload(deps, req, res, principal, url.searchParams);
    const sha = SHA_PATH.exec(rest)?.[1];
    if (sha && (req.method === 'GET' || req.method === 'HEAD')) return serve(deps, req, res, sha);
    if (rest === '' || sha) {
      return sendError(res, apiError('method_not_allowed', `${req.method} is not served at ${url.pathname}: upload with POST ${Paths.blobs}?brief=REF&name=NAME, read with GET ${Paths.blobs}/<sha256>.`));
    }
    return sendError(res, apiError('not_found', `Nothing is served at ${url.pathname}; blobs are named by their sha256 (64 lowercase hex digits).`));
  };
}

/** How the entry came: the page (its session cookie), the CLI (it says so), or a plain API client. */
function channelOf(req: IncomingMessage): Channel {
  if (presentedToken(req) === undefined) return 'ui';
  return req.headers['x-grove-via'] === 'cli' ? 'cli' : 'api';
}

async function upload(deps: BlobRouteDeps, req: IncomingMessage, res: ServerResponse, principal: Principal, params: URLSearchParams): Promise<void> {
  const ref = params.get('brief');
  const name = (params.get('name') ?? '').trim();
  let target: { briefId: string; name: string; actor: Actor } | null = null;
  if (ref !== null) {
    if (name === '' || name.length > MAX_NAME) {
      return sendError(res, apiError('invalid_request', name === '' ? `Name the attachment: POST ${Paths.blobs}?brief=REF&name=NAME (the file's name, as the trace shows it).` : `An attachment's name is at most ${MAX_NAME} characters; this one has ${name.length}.`));
    }
    const who = deps.service.actorOf(principal);
    if (!who.ok) return sendError(res, who.error);
    const brief = deps.store.resolve(ref);
    if (!brief) return sendError(res, unknownBrief(ref));
    target = { briefId: brief.id, name, actor: who.value };
  } else if (principal.kind !== 'operator') {
    // Storing a blob no brief names is for import, which is the operator's.
    return sendError(res, apiError('forbidden', `An agent uploads an attachment to a brief: POST ${Paths.blobs}?brief=REF&name=NAME.`));
  }

  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_ATTACHMENT_BYTES) return refuseMidBody(req, res, tooLarge(target?.name));

  // destroyOnReturn: false — the store stops reading a body past the limit, and the socket
  // must stay up long enough to carry the refusal (413, 507) that says why.
  const stored = await storeImage(deps.blobs, req.iterator({ destroyOnReturn: false }));
  if (!stored.ok) return refuseBody(deps, req, res, stored.error, target?.name);
  const blob = { sha256: stored.value.sha256, type: stored.value.type, size: stored.value.size };
  if (!target) return sendJson(res, 200, { ok: true, result: blob });
  const attached = attachStored(deps, stored.value, { ...target, channel: channelOf(req) });
  if (!attached.ok) return sendError(res, attached.error);
  sendJson(res, 200, { ok: true, result: attached.value });
}

/**
 * A refusal while the body may still be arriving (too large, not an image by its first
 * bytes, or the disk failed part-way), then the connection closes: left open, its unread rest
 * would hold it, paused, until the server's request timeout. Nothing more is stored; but a
 * connection closed while the client is still sending is reset, and a reset can reach the
 * client before the answer does. So the answer is written whole at once, and the end of the
 * connection waits until the client stops sending or LINGER_MS pass, whichever is first,
 * discarding what arrives meanwhile.
 */
function refuseMidBody(req: IncomingMessage, res: ServerResponse, error: ApiError): void {
  const body = JSON.stringify({ ok: false, error });
  res.writeHead(httpStatusOf(error.code), { ...SECURITY_HEADERS, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close' });
  res.write(body);
  const close = () => {
    clearTimeout(timer);
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(close, LINGER_MS);
  if (req.readableEnded) return close();
  req.once('end', close);
  req.once('error', close);
  req.resume();
}

function refuseBody(deps: BlobRouteDeps, req: IncomingMessage, res: ServerResponse, refused: StoreFailure, name: string | undefined): void {
  switch (refused.failure.kind) {
    case 'too_large':
      return refuseMidBody(req, res, tooLarge(name));
    case 'empty':
      return sendError(res, apiError('invalid_request', `The upload was empty: send the image's bytes as the request body.`));
    case 'store_failed':
      deps.logger.error('cannot store an uploaded blob', { error: refused.failure.message });
      return refuseMidBody(req, res, storeRefusal(refused, name));
    case 'read_failed':
      // The client went away mid-upload; nobody is left to read an answer.
      deps.logger.info('blob upload cut short', { error: refused.failure.message });
      if (!res.headersSent) sendError(res, apiError('invalid_request', 'The upload was cut short before its end; nothing was stored.'));
      req.destroy();
      return;
    case 'type_refused':
      // Told by the file's first bytes, so its rest may still be on its way.
      return req.readableEnded ? sendError(res, storeRefusal(refused, name)) : refuseMidBody(req, res, storeRefusal(refused, name));
    case 'mismatch':
      return sendError(res, storeRefusal(refused, name));
  }
}

async function serve(deps: BlobRouteDeps, req: IncomingMessage, res: ServerResponse, sha: string): Promise<void> {
  // Only what an attachment names is served: a blob stored for an import and never attached stays private.
  const name = deps.store.blobName(sha);
  if (name === null) return sendError(res, apiError('not_found', `No attachment has the sha256 ${sha}.`));
  const path = deps.blobs.path(sha);
  const local = async () => {
    const blob = deps.blobs.describe(sha);
    const size = blob ? await stat(path).then((s) => s.size, () => null) : null;
    return blob && size !== null ? { type: blob.type, size } : null;
  };
  let blob = await local();
  if (!blob) {
    // Attached on another host: fetched now from the shared store, once, however many ask.
    const fetched = await deps.fetchBlob(sha);
    if (fetched.kind !== 'fetched') return sendError(res, notHere(fetched, name, sha));
    blob = await local();
    if (!blob) return sendError(res, apiError('storage_failed', `${name} was fetched from the shared store but cannot be read from this host's blob store; check the data dir's disk.`));
  }
  const size = blob.size;
  const etag = `"${sha}"`;
  const headers = {
    'content-type': blob.type,
    'content-length': String(size),
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'content-disposition': contentDisposition(name),
    // Asked again each time (a 304 by its ETag costs little): a redacted image must not stay
    // in a browser's cache for a year after the host deleted it.
    'cache-control': 'private, no-cache',
    'referrer-policy': 'no-referrer',
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, { etag, 'cache-control': headers['cache-control'] });
    res.end();
    return;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // pipeline, not pipe: a client gone mid-download closes the file too (pipe would keep its
  // descriptor open, and a redacted image's bytes on disk with it, until the host restarts).
  pipeline(createReadStream(path), res, (e) => {
    if (e && (e as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') deps.logger.warn('blob read failed', { sha256: sha, error: e.message });
  });
}

/** Why an attachment's image cannot be served here, in a sentence: what waits, why, what happens next. */
function notHere(fetched: Exclude<BlobFetch, { kind: 'fetched' }>, name: string, sha: string): ApiError {
  const details = { sha256: sha, name };
  switch (fetched.kind) {
    case 'sync-off':
      return apiError('blob_unavailable', `${name} is not stored on this host, and sync is off: the image is on the machine that attached it. Turn sync on (grove sync set) to fetch it from the shared store.`, details);
    case 'not-uploaded':
      return apiError(
        'blob_not_uploaded',
        `${name} is not on the shared store: the host that attached it has not uploaded it (its upload is not finished, or it shared the entry with a Grove from before images were synced). ${fetched.asked ? 'The hosts that have it were asked to upload it: retry in a few seconds' : 'Retry later'}; if it stays missing, attach it again from the machine that has it.`,
        details,
      );
    case 'redacted':
      return apiError('not_found', `No attachment has the sha256 ${sha} any more: ${name} was redacted while it was fetched.`, details);
    case 'lost':
      // Other hosts were asked too (the same image may be attached elsewhere), but that is rare
      // enough that the page offers no retry: it says what will work.
      return apiError('blob_lost', `${name} is not available anywhere: the host that attached it no longer had the image when it shared the entry. Attach it again from a machine that has the file.`, details);
    case 'unreachable':
      return apiError('blob_unreachable', `${name} is not on this host yet, and the shared store cannot be reached to fetch it (${fetched.message}). Retry once it is back.`, details);
    case 'store-too-new':
      return apiError('blob_unavailable', `${name} is not on this host yet, and this Grove does not read the shared store: ${fetched.message} to fetch it.`, details);
    case 'corrupt':
      return apiError(
        'blob_corrupt',
        fetched.removed
          ? `The shared store's copy of ${name} was damaged (${fetched.message}), so it was refused and nothing was stored here. That copy was removed from the shared store, and the hosts that have the image were asked to upload it again: retry in a few seconds. If it stays missing, attach it again from a machine that has it.`
          : `The shared store's copy of ${name} is damaged (${fetched.message}), so it was refused and nothing was stored here; it could not be removed from the shared store just now. Retry shortly; if it stays damaged, ask the database's administrator to delete its rows in blobs and blob_chunks (sha256 ${sha}).`,
        details,
      );
    case 'not-accepted':
      return apiError('blob_not_accepted', `The shared store's copy of ${name} is whole, but this Grove does not take it (${fetched.message}); nothing was stored here. The Grove that attached it accepts more than this one: update Grove on this machine.`, details);
    case 'store-failed':
      return apiError('storage_failed', `${name} was fetched from the shared store, but this host ${fetched.message}; nothing was stored. Free space in the data dir (or fix its disk) and retry.`, details);
  }
}

/** `inline` with the name twice: an ASCII stand-in for old clients and the exact name, percent-encoded (RFC 6266). */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
