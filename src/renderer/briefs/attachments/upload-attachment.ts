import type { BriefAttachment } from '../../../shared/briefs';
import { Paths } from '../../../shared/paths';
import { SessionKey } from '../../../shared/session-key';
import { readSessionKey } from '../../connection/session-key';

/**
 * One file to `POST /blobs?brief=REF&name=NAME`, the bytes as the body. The page is served by
 * the host, so the request is same-origin, and the page's session key (never the token)
 * authenticates it in a header. The host decides what is accepted (from the bytes) and says why not;
 * its message is what the person reads.
 */
export type UploadOutcome = { ok: true; attachment: BriefAttachment } | { ok: false; message: string };

type Answer = { ok: true; result: { attachment: BriefAttachment } } | { ok: false; error: { code: string; message: string } };

export async function uploadAttachment(briefRef: string, file: Blob, name: string): Promise<UploadOutcome> {
  let res: Response;
  try {
    // Inside the try: a name that is not well-formed text cannot be put in a URL, and says so below.
    const url = `${Paths.blobs}?brief=${encodeURIComponent(briefRef)}&name=${encodeURIComponent(name)}`;
    res = await fetch(url, { method: 'POST', body: file, credentials: 'same-origin', headers: { 'content-type': file.type || 'application/octet-stream', [SessionKey.header]: readSessionKey() ?? '' } });
  } catch {
    return { ok: false, message: `${name} did not reach Grove's host (the connection failed). Check that the host is running, then try again.` };
  }
  let answer: Answer;
  try {
    answer = (await res.json()) as Answer;
  } catch {
    return { ok: false, message: `Grove's host answered ${res.status} to ${name} without saying why.` };
  }
  if (!answer.ok && res.status === 401) {
    // The host's sentence is for API clients (send a token); this page logs in instead.
    return { ok: false, message: `${name} was not attached: this browser's session with Grove ended. Log in again (grove open), then attach it again.` };
  }
  return answer.ok ? { ok: true, attachment: answer.result.attachment } : { ok: false, message: answer.error.message };
}
