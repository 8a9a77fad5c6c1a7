import { ProbeDefaults, type HttpProbeSpec, type ProbeResult } from '../../shared/health';
import { CANCELLED, formatMs, probeOutputTail, type ProbeRunOptions } from './probe-output';

/**
 * Runs one HTTP probe (`GET http://flower.test/up`, expecting 200) with the global fetch:
 * passes when the answer's status is the expected one. The timeout covers the whole
 * exchange, the body included; at most 8 KiB of the body is read (the start of it, where a
 * framework's error page says what broke), then the rest is dropped. Connection refused, a
 * DNS failure, a timeout and a wrong status are results, never throws. `cwd` and `env` are
 * not used: the probe asks what MAIN serves, from outside.
 */
const BODY_BYTES = 8 * 1024;

export async function runHttpProbe(spec: HttpProbeSpec, o: ProbeRunOptions): Promise<ProbeResult> {
  const now = o.now ?? (() => new Date());
  const started = now();
  const method = spec.http.method ?? ProbeDefaults.httpMethod;
  const expected = spec.http.expectStatus ?? ProbeDefaults.expectStatus;
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
  const finish = (ok: boolean, detail: string, body = ''): ProbeResult => ({
    probe: spec.name,
    ok,
    at: started.toISOString(),
    durationMs: Math.max(0, now().getTime() - started.getTime()),
    detail,
    outputTail: probeOutputTail(body, o.env, o.mask ?? ((t) => t)),
  });
  try {
    const response = await fetch(spec.http.url, { method, signal, headers: { 'user-agent': 'grove-health-probe' } });
    const body = await readStart(response, BODY_BYTES);
    const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    return response.status === expected ? finish(true, status, body) : finish(false, `${status} (expected ${expected})`, body);
  } catch (e) {
    if (timeout.aborted) return finish(false, `no answer within ${formatMs(o.timeoutMs)} from ${method} ${spec.http.url}`);
    if (o.signal?.aborted) return finish(false, CANCELLED);
    return finish(false, `${method} ${spec.http.url} failed: ${describeFetchError(e)}`);
  }
}

/** The first `limit` bytes of the body as text; the rest is cancelled, not downloaded. */
async function readStart(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (size >= limit) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  const bytes = Buffer.concat(chunks).subarray(0, limit);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

/** fetch's TypeError says "fetch failed"; the cause has the code that says why. */
function describeFetchError(e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (ECONNREFUSED); is the site being served?';
  if (cause?.code === 'ENOTFOUND') return 'no such host (ENOTFOUND)';
  if (cause?.code) return `${cause.message ?? cause.code} (${cause.code})`;
  return cause?.message ?? (e as Error).message ?? String(e);
}
