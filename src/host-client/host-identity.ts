import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { MethodName, ParamsOf, ResultOf } from '../shared/methods';
import { Paths } from '../shared/paths';
import { err, ok, type Result } from '../shared/result';
import { callHost, type CallFailure } from './call-host';

/**
 * How a host shows a client that it is the host of the client's data dir before the client
 * sends it the operator's token (docs/protocol.md, "Identity"). The client sends a fresh
 * nonce to `GET /identity?nonce=…`; the host answers HMAC-SHA256, keyed with the token, of a
 * message naming the port it listens on. A server that took a dead host's port cannot answer
 * without the token, and cannot borrow the answer from the real host on another port, since
 * that answer names the other port.
 */
export const IDENTITY_NONCE = /^[0-9a-f]{32,128}$/;

export function identityProof(token: string, port: number, nonce: string): string {
  return createHmac('sha256', token).update(`grove-host-identity\n${port}\n${nonce}`).digest('hex');
}

export type ProveHostFailure =
  /** Nothing listens on the port. */
  | { kind: 'refused'; message: string }
  /** Something listens but did not answer in time, or not over HTTP. */
  | { kind: 'unreachable'; message: string }
  /** Something answered, and it is not the holder of the token (or a host older than the proof: `status` 401 or 404). */
  | { kind: 'not-host'; message: string; status: number };

/** Asks the server at `url` (http://127.0.0.1:PORT) to prove it holds `token`; the token itself is never sent. */
export async function proveHost(url: string, token: string, timeoutMs: number): Promise<Result<void, ProveHostFailure>> {
  const port = Number(new URL(url).port);
  const nonce = randomBytes(32).toString('hex');
  let res: Response;
  try {
    res = await fetch(new URL(`${Paths.identity}?nonce=${nonce}`, url), { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (code === 'ECONNREFUSED') return err({ kind: 'refused', message: `nothing listens at ${url}` });
    return err({ kind: 'unreachable', message: code ?? (e as Error).message });
  }
  const body = (await res.json().catch(() => null)) as { ok?: boolean; result?: { proof?: unknown } } | null;
  const proof = typeof body?.result?.proof === 'string' ? Buffer.from(body.result.proof, 'hex') : null;
  const expected = Buffer.from(identityProof(token, port, nonce), 'hex');
  if (!proof || proof.length !== expected.length || !timingSafeEqual(proof, expected)) {
    return err({ kind: 'not-host', status: res.status, message: `the server at ${url} could not prove it holds this data dir's token (HTTP ${res.status}), so the token was not sent to it` });
  }
  return ok(undefined);
}

/**
 * One call to the host, sent only once the server at the port proved it holds the token: for
 * a client that keeps a host's address for long (the app's shell), whose host may have died
 * and whose port may have changed hands since it was found.
 */
export async function callProvenHost<M extends MethodName>(target: { url: string; token: string }, method: M, params: ParamsOf<M>, timeoutMs = 5000): Promise<Result<ResultOf<M>, CallFailure>> {
  const proven = await proveHost(target.url, target.token, timeoutMs);
  if (!proven.ok) return err({ code: 'unreachable', message: proven.error.message });
  return callHost(target, method, params, timeoutMs);
}
