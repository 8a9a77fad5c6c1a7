import type { CallFailure } from '../../host-client/call-host';
import { Paths } from '../../shared/paths';
import { err, ok, type Result } from '../../shared/result';
import type { Target } from '../lane-target';

/**
 * The attachments' bytes over the host's blob endpoints (docs/protocol.md): `GET
 * /blobs/<sha256>` reads one, `POST /blobs` (raw body, no brief) stores one without
 * attaching it, as an import does before the entries that name it.
 */
export type StoredBlob = { sha256: string; type: string; size: number };

export async function readBlob(target: Target, sha256: string): Promise<Result<{ type: string; bytes: Buffer }, CallFailure>> {
  let res: Response;
  try {
    res = await fetch(new URL(`${Paths.blobs}/${sha256}`, target.url), { headers: { authorization: `Bearer ${target.token}` }, signal: AbortSignal.timeout(60_000) });
  } catch (e) {
    return err({ code: 'unreachable', message: (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message });
  }
  if (!res.ok) return err(await refusal(res, `reading blob ${sha256}`));
  return ok({ type: (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim(), bytes: Buffer.from(await res.arrayBuffer()) });
}

export async function storeBlob(target: Target, bytes: Buffer): Promise<Result<StoredBlob, CallFailure>> {
  let res: Response;
  try {
    res = await fetch(new URL(Paths.blobs, target.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
      signal: AbortSignal.timeout(60_000),
    });
  } catch (e) {
    return err({ code: 'unreachable', message: (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message });
  }
  if (!res.ok) return err(await refusal(res, 'storing a blob'));
  const body = (await res.json().catch(() => null)) as { ok?: boolean; result?: StoredBlob } | null;
  if (!body?.ok || !body.result?.sha256) return err({ code: 'unreachable', message: `HTTP ${res.status}: the host's answer to POST ${Paths.blobs} is not valid` });
  return ok(body.result);
}

/** The host's error when it sent one (JSON `{ok:false,error}`), else the status; a 404 on the path itself means a host without blobs. */
async function refusal(res: Response, doing: string): Promise<CallFailure> {
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
  if (body?.error?.code && body.error.message) return body.error as CallFailure;
  return { code: res.status === 404 ? 'not_found' : 'unreachable', message: `HTTP ${res.status} ${doing}${res.status === 404 ? ' (this host may be older than attachments)' : ''}` } as CallFailure;
}
