import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessOf, methodNames, methods } from '../../src/shared/methods';
import { ResponseBody } from '../../src/shared/wire';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
import { openSocket } from '../fixtures/ws-client';

/**
 * Thousands of random and malformed payloads at every API method, over HTTP and WebSocket.
 * The host must stay up and answer each one: a validation error exactly when the contract's
 * schema rejects the payload, and never an internal error.
 */
let host: HostProcess;
beforeAll(async () => {
  host = await startHostProcess();
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

// Each run draws a new seed, so runs add up over time; 300 per method keeps this file under half a minute.
const RUNS_PER_METHOD = 300;

async function post(method: string, text: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: text,
  });
  return { status: res.status, body: await res.json() };
}

/** Payloads near the contract's shapes find more edges than pure noise. */
const nearValid = fc.oneof(
  fc.record({ path: fc.oneof(fc.string(), fc.constant('/'), fc.string().map((s) => '/' + s), fc.integer()) }, { requiredKeys: [] }),
  fc.record({ since: fc.oneof(fc.integer(), fc.double(), fc.string()), limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ id: fc.oneof(fc.string(), fc.uuid(), fc.integer()) }, { requiredKeys: [] }),
  fc.dictionary(fc.string(), fc.jsonValue()),
);
const payload = fc.oneof(fc.anything(), fc.jsonValue(), nearValid);

describe('fuzzing the API', () => {
  for (const method of methodNames) {
    it(`${method}: answers every random payload, with invalid_request exactly when the schema rejects it`, async () => {
      // A valid agents.start would really launch a program somewhere random: only its
      // rejections are fuzzed here (the terminals tests start agents on purpose).
      await fc.assert(
        fc.asyncProperty(payload, async (value) => {
          const text = JSON.stringify(value) ?? '';
          const sent: unknown = text === '' ? undefined : JSON.parse(text);
          if (method === 'agents.start') fc.pre(!methods[method].params.safeParse(sent ?? {}).success);
          // A valid host.stop really stops the host under test: only its rejections are fuzzed.
          if (method === 'host.stop') fc.pre(!methods[method].params.safeParse(sent ?? {}).success);
          const { status, body } = await post(method, text);
          const parsed = ResponseBody.safeParse(body);
          expect(parsed.success).toBe(true);
          expect(status).not.toBe(500);
          if (accessOf(method) === 'agent') {
            // The operator's token may not speak for an agent, whatever the payload.
            expect(body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
            return;
          }
          const valid = methods[method].params.safeParse(sent ?? {}).success;
          if (!valid) {
            expect(body).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
          } else if (!(body as { ok: boolean }).ok) {
            expect((body as { error: { code: string } }).error.code).not.toMatch(/invalid_request|internal/);
          }
        }),
        { numRuns: RUNS_PER_METHOD },
      );
    });
  }

  it('answers raw bytes that are not JSON with malformed_json', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1 }), async (text) => {
        let isJson = true;
        try {
          JSON.parse(text);
        } catch {
          isJson = false;
        }
        fc.pre(!isJson && text.trim() !== '');
        const { status, body } = await post('host.status', text);
        expect(status).toBe(400);
        expect(body).toMatchObject({ ok: false, error: { code: 'malformed_json' } });
      }),
      { numRuns: 500 },
    );
  });

  it('answers unknown methods with unknown_method', async () => {
    await fc.assert(
      // `.` and `..` are dot segments: the URL resolves them away before the host sees a method name.
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40 }).filter((m) => !(m in methods) && !/[?#/%\\]/.test(m) && m !== '.' && m !== '..'), async (m) => {
        const { body } = await post(encodeURIComponent(m), '{}');
        expect(body).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
      }),
      { numRuns: 300 },
    );
  });

  it('over WebSocket, answers every random frame and keeps the connection', async () => {
    const s = await openSocket(host.url, host.token);
    const frames = fc.sample(
      fc.oneof(
        fc.anything().map((v) => JSON.stringify(v) ?? 'undefined'),
        fc.string(),
        fc.record({ kind: fc.constant('request'), id: fc.integer(), method: fc.constantFrom(...methodNames.filter((m) => m !== 'agents.start' && m !== 'host.stop'), 'nope'), params: payload }).map((f) => JSON.stringify(f)),
      ),
      { numRuns: 1000, seed: 42 },
    );
    for (const f of frames) s.ws.send(f);
    // One answer per frame, then the connection still serves a real request.
    const id = 'after-fuzz';
    s.send({ kind: 'request', id, method: 'host.status' });
    const last = await s.waitFor((f) => f.kind === 'response' && f.id === id, 0, 20_000);
    expect(last).toMatchObject({ ok: true, result: { pid: host.pid } });
    // Requests answer asynchronously, so the last answer may overtake earlier ones.
    const expected = frames.filter((f) => !isSubscribe(f)).length + 1;
    await expect.poll(() => s.frames.filter((f) => f.kind === 'response').length, { timeout: 10_000 }).toBe(expected);
    const responses = s.frames.filter((f) => f.kind === 'response');
    expect(responses.some((r) => r.kind === 'response' && r.error?.code === 'internal')).toBe(false);
    await s.close();
  });

  it('is still up and healthy afterwards', async () => {
    const { status, body } = await api(host, 'host.status');
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: true, result: { pid: host.pid } });
    expect(host.output()).not.toMatch(/uncaught|handler failed/);
  });

  it('refuses bodies over the size limit', async () => {
    const { status, body } = await post('repos.add', JSON.stringify({ path: '/' + 'a'.repeat(9 * 1024 * 1024) }));
    expect(status).toBe(413);
    expect(body).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});

function isSubscribe(text: string): boolean {
  try {
    const v = JSON.parse(text) as { kind?: unknown; since?: unknown };
    return v?.kind === 'subscribe' && Number.isInteger(v.since) && (v.since as number) >= 0;
  } catch {
    return false;
  }
}
