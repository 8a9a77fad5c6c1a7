import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methods, type MethodName } from '../../src/shared/methods';
import { ResponseBody } from '../../src/shared/wire';
import { BRIEF_KINDS, BRIEF_STATUSES, LINK_TYPES, type BriefEntry } from '../../src/shared/briefs';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { orchestratorToken } from '../fixtures/seed-brief';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * Every briefs.* method of a real host, with payloads near the contract's shapes (references
 * that resolve and that do not, every action with fields right and wrong, an export's entries
 * mutated one field at a time) from the operator and from an agent's own token. The host must
 * answer every one: never a 500 or an internal error, and every refusal a typed error with a
 * message; invalid_request exactly when the method's schema rejects the payload.
 * (test/integration/fuzz.test.ts sends every method shapeless noise.)
 */
let host: HostProcess;
let agent: { url: string; token: string };
let exported: BriefEntry[];
let entryIds: string[];

beforeAll(async () => {
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  agent = { url: host.url, token: (await orchestratorToken(host)).token };
  const ok = async (method: string, params: unknown): Promise<unknown> => {
    const r = await api(host, method, params);
    if (!r.body.ok) throw new Error(`${method}: ${JSON.stringify(r.body.error)}`);
    return r.body.result;
  };
  await ok('briefs.create', { title: 'Epic', kind: 'epic', projects: ['flower'] });
  await ok('briefs.create', { title: 'Child', kind: 'feature', spec: 'v1', parent: '#1' });
  await ok('briefs.create', { title: 'Other', kind: 'bug' });
  await ok('briefs.append', { ref: '#3', action: { kind: 'dependency_added', on: '#2' } });
  await ok('briefs.append', { ref: '#2', action: { kind: 'plan_proposed', spec: 'plan', summary: 'a plan' } });
  await ok('briefs.append', { ref: '#2', action: { kind: 'link_added', type: 'url', target: 'https://example.test/', label: 'docs' } });
  await ok('briefs.append', { ref: '#2', action: { kind: 'note', text: 'a note' } });
  exported = ((await ok('briefs.export', {})) as { entries: BriefEntry[] }).entries;
  entryIds = exported.map((e) => e.id);
}, 60_000);

afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

// ---------------------------------------------------------------------------------------
// Payloads near the contract.

const junk = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null), fc.boolean(), fc.jsonValue({ maxDepth: 2 }));
/** A value usually of the right kind, sometimes not. */
const maybe = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: junk });
const text = fc.oneof(
  { weight: 12, arbitrary: fc.stringMatching(/^[a-z#][a-z #:*"()-]{0,30}$/) },
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', '   ', 'x'.repeat(100_001), '<script>alert(1)</script>', '[x](javascript:alert(1))'),
);
const ref = fc.oneof(
  fc.constantFrom('#1', '1', '#2', '#3', ' #2 ', '#0', '#', '#999999999', '#1234567890', '-1', '1.5', ''),
  fc.uuid(),
  fc.string({ maxLength: 30 }),
);
const entryId = () => fc.oneof(fc.constantFrom(...entryIds), fc.uuid(), fc.string({ maxLength: 30 }));
const sha = fc.oneof(fc.constant('a'.repeat(64)), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string({ maxLength: 70 }));

const action = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.record({ kind: fc.constantFrom('note', 'comment'), text: maybe(text) }),
    fc.record({ kind: fc.constant('refinement'), spec: maybe(text) }),
    fc.record({ kind: fc.constant('spec_snapshot'), reason: maybe(text) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('plan_proposed'), spec: maybe(text), summary: maybe(text) }),
    fc.record({ kind: fc.constant('plan_accepted'), planEntryId: maybe(entryId()) }),
    fc.record({ kind: fc.constant('status_change'), to: maybe(fc.constantFrom(...BRIEF_STATUSES)), reason: maybe(text) }, { requiredKeys: ['kind', 'to'] }),
    fc.record({ kind: fc.constant('details_changed'), title: maybe(text), briefKind: maybe(fc.constantFrom(...BRIEF_KINDS)) }, { requiredKeys: ['kind'] }),
    fc.record({ kind: fc.constant('projects_set'), projects: maybe(fc.array(fc.record({ name: maybe(fc.constantFrom('flower', 'api', 'a/b', '#x', ' lead')), primary: maybe(fc.boolean()) }), { maxLength: 22 })) }),
    fc.record({ kind: fc.constant('link_added'), type: maybe(fc.constantFrom(...LINK_TYPES)), target: maybe(fc.oneof(ref, fc.constantFrom('https://x.test', 'javascript:alert(1)', 'mailto:a@b'))), label: maybe(text) }, { requiredKeys: ['kind', 'type', 'target'] }),
    fc.record({ kind: fc.constant('link_removed'), linkId: maybe(fc.string()), reason: maybe(text) }, { requiredKeys: ['kind', 'linkId'] }),
    fc.record({ kind: fc.constant('participant_joined'), name: maybe(text), participantKind: maybe(fc.constantFrom('operator', 'agent')), role: maybe(text), wave: maybe(fc.integer({ min: -2, max: 5 })) }, { requiredKeys: ['kind', 'name', 'participantKind'] }),
    fc.record({ kind: fc.constant('participant_left'), name: maybe(fc.constantFrom('operator:mike', 'flower-orchestrator', 'nobody')), reason: maybe(text) }, { requiredKeys: ['kind', 'name'] }),
    fc.record({ kind: fc.constantFrom('dependency_added', 'dependency_removed'), on: maybe(ref) }),
    fc.record({ kind: fc.constant('parent_set'), parent: maybe(fc.option(ref, { nil: null })) }),
    fc.record({ kind: fc.constant('attachment_added'), sha256: maybe(sha), name: maybe(text) }),
    fc.record({ kind: fc.constantFrom('bogus', 'redaction', 'created', 'renumbered'), text: maybe(text) }),
    fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 4 }),
  );

/** An exported entry with one thing changed: the shapes an edited or damaged export file can take. */
const mutatedEntry = (): fc.Arbitrary<unknown> =>
  fc.tuple(fc.nat(exported.length - 1), fc.nat(15), fc.uuid(), junk).map(([i, how, uuid, value]) => {
    const e: Record<string, unknown> = structuredClone(exported[i]!) as never;
    switch (how) {
      case 0: return { ...e, id: uuid };
      case 1: return { ...e, id: uuid, briefId: uuid };
      case 2: return { ...e, id: uuid, payload: null };
      case 3: return { ...e, id: uuid, kind: 'created', payload: null, briefId: uuid };
      case 4: return { ...e, id: uuid, payload: value };
      case 5: return { ...e, id: uuid, kind: exported[(i + 1) % exported.length]!.kind };
      case 6: return { ...e, id: uuid, hlc: value };
      case 7: return { ...e, id: uuid, redacted: { by: { kind: 'operator', name: 'x' }, reason: 'r', at: 'now', redactionId: uuid } };
      case 8: return { ...e, id: uuid, briefId: uuid, kind: 'created', payload: { title: 't', kind: 'feature', status: 'draft', spec: '', projects: [], number: 1 } };
      case 9: return { ...e, id: uuid, seq: value };
      case 10: return { ...e, id: uuid, actor: value };
      default: return { ...e, id: uuid };
    }
  });

const payloads: Record<string, () => fc.Arbitrary<unknown>> = {
  'briefs.list': () =>
    fc.record(
      { project: maybe(fc.constantFrom('flower', 'nope', 'a/b')), status: maybe(fc.array(fc.constantFrom(...BRIEF_STATUSES), { maxLength: 7 })), kind: maybe(fc.array(fc.constantFrom(...BRIEF_KINDS), { maxLength: 9 })), query: maybe(fc.oneof(text, fc.constantFrom('"', '*', 'AND OR NOT', 'NEAR(a b)', 'a:b', '^x', '-', '()'))), cursor: maybe(fc.oneof(fc.string(), fc.base64String())), limit: maybe(fc.integer({ min: -1, max: 600 })) },
      { requiredKeys: [] },
    ),
  'briefs.get': () => fc.record({ ref: maybe(ref), before: maybe(fc.integer({ min: -1, max: 100 })), limit: maybe(fc.integer({ min: -1, max: 600 })) }, { requiredKeys: ['ref'] }),
  'briefs.create': () => fc.record({ title: maybe(text), kind: maybe(fc.constantFrom(...BRIEF_KINDS)), spec: maybe(text), projects: maybe(fc.oneof({ weight: 6, arbitrary: fc.array(fc.constantFrom('flower', 'api', 'web'), { maxLength: 4 }) }, fc.array(fc.constantFrom('flower', 'a/b', '', '#1'), { maxLength: 21 }))), parent: maybe(ref), via: maybe(fc.constantFrom('ui', 'cli', 'api', 'api', 'mcp')) }, { requiredKeys: ['title'] }),
  'briefs.append': () => fc.record({ ref: maybe(ref), action: action(), expectedVersion: maybe(fc.integer({ min: -1, max: 50 })), via: maybe(fc.constantFrom('ui', 'cli', 'mcp')) }, { requiredKeys: ['ref', 'action'] }),
  'briefs.redact': () => fc.record({ ref: maybe(ref), entryId: maybe(entryId()), reason: maybe(text), via: maybe(fc.constantFrom('ui', 'cli')) }, { requiredKeys: ['ref', 'entryId', 'reason'] }),
  'briefs.recall': () => fc.record({ ref: maybe(ref), sinceEntry: maybe(entryId()) }, { requiredKeys: ['ref'] }),
  'briefs.export': () => fc.record({ afterSeq: maybe(fc.integer({ min: -1, max: 100 })), limit: maybe(fc.integer({ min: -1, max: 600 })) }, { requiredKeys: [] }),
  'briefs.import': () => fc.record({ entries: fc.oneof({ weight: 5, arbitrary: fc.array(mutatedEntry(), { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: junk }) }),
};

async function post(who: { url: string; token: string }, method: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${who.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${who.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

function expectTypedAnswer(method: MethodName, sent: unknown, status: number, body: unknown): void {
  const context = `${method} ${JSON.stringify(sent).slice(0, 400)} → ${status} ${JSON.stringify(body).slice(0, 400)}`;
  expect(ResponseBody.safeParse(body).success, context).toBe(true);
  expect(status, context).not.toBe(500);
  const b = body as { ok: boolean; error?: { code: string; message: unknown } };
  if (b.ok) return;
  expect(b.error!.code, context).not.toBe('internal');
  expect(typeof b.error!.message === 'string' && b.error!.message.length > 0, context).toBe(true);
  if (!methods[method].params.safeParse(sent).success) expect(b.error!.code, context).toBe('invalid_request');
  else expect(b.error!.code, context).not.toBe('invalid_request');
}

const RUNS = Number(process.env.GROVE_FUZZ_RUNS ?? 300);

describe('fuzzing the briefs methods with near-valid payloads', () => {
  for (const method of Object.keys(payloads) as MethodName[]) {
    it(`${method}: every payload gets a typed answer, never an internal error`, async () => {
      let reached = 0;
      await fc.assert(
        fc.asyncProperty(payloads[method]!(), fc.boolean(), async (sent, asAgent) => {
          if (methods[method].params.safeParse(sent).success) reached++;
          const who = asAgent ? agent : host;
          const { status, body } = await post(who, method, sent);
          if (asAgent && methods[method] && !('access' in methods[method])) {
            // Operator-only methods refuse an agent's token whatever the payload.
            expect(body, `${method} as an agent`).toMatchObject({ ok: false, error: { code: 'forbidden' } });
            return;
          }
          expectTypedAnswer(method, sent, status, body);
        }),
        { numRuns: RUNS },
      );
      // Near-valid means most payloads pass the schema and reach the service's own checks.
      expect(reached / RUNS, `${reached} of ${RUNS} payloads passed the schema`).toBeGreaterThan(0.25);
    }, 120_000);
  }

  it('refuses an import whose brief does not fold (a created entry with no content) and stores none of it', async () => {
    const before = ((await api(host, 'briefs.export', { limit: 500 })).body as { result: { entries: unknown[] } }).result.entries.length;
    const briefId = '01a23d5a-0000-7000-8000-000000000001';
    const created = { ...exported[0]!, id: '01a23d5a-0000-7000-8000-000000000002', briefId, payload: null };
    const note = { ...exported[exported.length - 1]!, id: '01a23d5a-0000-7000-8000-000000000003', briefId };
    const r = await api(host, 'briefs.import', { entries: [created, note] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'brief_import_invalid', message: expect.stringContaining('do not make a brief') } });
    const after = ((await api(host, 'briefs.export', { limit: 500 })).body as { result: { entries: unknown[] } }).result.entries.length;
    expect(after).toBe(before);
  });

  it('is still up afterwards, with nothing logged as a failed handler', async () => {
    const { status } = await api(host, 'host.status');
    expect(status).toBe(200);
    expect(host.output()).not.toMatch(/uncaught|handler failed/i);
  });
});
