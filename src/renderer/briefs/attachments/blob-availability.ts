import { Paths } from '../../../shared/paths';

/**
 * Why an attachment's image did not load, asked of the host: an `<img>` only says "error",
 * while `GET /blobs/<sha256>` answers why in a sentence (not on the shared store yet, the
 * store unreachable, a damaged copy…). Asking also fetches it if it has come meanwhile.
 */
export type BlobAvailability = { ok: true } | { ok: false; code: string; message: string; canRetry: boolean };

/** What retrying cannot change: nobody has the image, no attachment names it, or this Grove does not take it. */
const FINAL = new Set(['blob_lost', 'not_found', 'blob_not_accepted']);

export async function blobAvailability(sha256: string, name: string): Promise<BlobAvailability> {
  let res: Response;
  try {
    res = await fetch(`${Paths.blobs}/${sha256}`, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { ok: false, code: 'network', message: `${name} could not be loaded: Grove's host did not answer. Check that it is running, then retry.`, canRetry: true };
  }
  if (res.ok) {
    void res.body?.cancel();
    return { ok: true };
  }
  try {
    const answer = (await res.json()) as { error?: { code: string; message: string } };
    if (answer.error) return { ok: false, code: answer.error.code, message: answer.error.message, canRetry: !FINAL.has(answer.error.code) };
  } catch {
    // Not JSON: said below.
  }
  return { ok: false, code: 'unknown', message: `${name} could not be loaded: Grove's host answered ${res.status} without saying why.`, canRetry: true };
}
