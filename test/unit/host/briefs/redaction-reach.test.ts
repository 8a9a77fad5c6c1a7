import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, MIKE, ORCHESTRATOR, trackedRig } from '../../../fixtures/brief-service';
import type { ApiError } from '../../../../src/shared/errors';
import type { Result } from '../../../../src/shared/result';

/**
 * Where a redaction must reach when briefs are written on several stores (imports here, as a
 * sync applies them): every copy of the redacted text, whatever order entries arrived in,
 * and the same on every store.
 */
afterEach(closeRigs);

const ok = <T>(r: Result<T, ApiError>): T => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a redaction reaches', () => {
  it('the diff of the refinement made from the redacted spec, though another store\'s refinement arrived between them', async () => {
    const a = trackedRig({ node: 'a' });
    const b = trackedRig({ node: 'b' });
    ok(a.service.create({ title: 't', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
    ok(b.service.importEntries(a.store.since(0, 100)));
    ok(b.service.append('#1', { kind: 'refinement', spec: 'v2 from b' }, MIKE, 'ui'));
    await sleep(5);
    const leak = ok(a.service.append('#1', { kind: 'refinement', spec: 'v1\nSECRET-TOKEN' }, MIKE, 'ui')).entries[0]!;
    ok(a.service.importEntries(b.store.since(0, 100)));
    // On A the trace reads: created, the leak, B's refinement; the fix is made from the leak.
    const fix = ok(a.service.append('#1', { kind: 'refinement', spec: 'v1\nfixed' }, MIKE, 'ui')).entries[0]!;
    expect((fix.payload as { base?: string }).base).toBe(leak.id);
    ok(a.service.redact('#1', leak.id, 'a token', MIKE, 'ui'));
    expect(JSON.stringify(a.store.trace(leak.briefId))).not.toContain('SECRET-TOKEN');
  });

  it('the acceptance of a redacted plan that another store made before it heard of the redaction', () => {
    const a = trackedRig({ node: 'a' });
    const b = trackedRig({ node: 'b' });
    ok(a.service.create({ title: 't', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
    const plan = ok(a.service.append('#1', { kind: 'plan_proposed', spec: 'plan with SECRET-PW', summary: 's' }, ORCHESTRATOR, 'api')).entries.find((e) => e.kind === 'plan_proposed')!;
    ok(b.service.importEntries(a.store.since(0, 100)));
    ok(b.service.append('#1', { kind: 'plan_accepted', planEntryId: plan.id }, MIKE, 'ui'));
    ok(a.service.redact('#1', plan.id, 'a password', MIKE, 'ui'));
    ok(a.service.importEntries(b.store.since(0, 100)));
    ok(b.service.importEntries(a.store.since(0, 100)));
    for (const rig of [a, b]) {
      expect(JSON.stringify(rig.store.trace(plan.briefId))).not.toContain('SECRET-PW');
      expect(rig.store.get(plan.briefId)!.spec).not.toContain('SECRET-PW');
    }
    expect(a.store.get(plan.briefId)!.spec).toBe(b.store.get(plan.briefId)!.spec);
  });

  it('a title, on the created entry that already lost its spec as a copy of a redacted snapshot, here and on another store', () => {
    const a = trackedRig({ node: 'a' });
    const b = trackedRig({ node: 'b' });
    const created = ok(a.service.create({ title: 'password hunter2', kind: 'feature', spec: 'key=AKIA', projects: [] }, MIKE, 'ui'));
    const snapshot = ok(a.service.append('#1', { kind: 'spec_snapshot' }, MIKE, 'ui')).entries[0]!;
    ok(b.service.importEntries(a.store.since(0, 100)));
    ok(a.service.redact('#1', snapshot.id, 'a key', MIKE, 'ui'));
    // Here: the title can still be redacted.
    const c = trackedRig({ node: 'c' });
    ok(c.service.importEntries(a.store.since(0, 100)));
    ok(c.service.redact('#1', created.entries[0]!.id, 'a password in the title', MIKE, 'ui'));
    expect(c.store.get(created.brief.id)!.title).toBe('[redacted]');
    // Elsewhere: B redacts the title; A, whose created entry lost only its spec, applies it.
    ok(b.service.redact('#1', created.entries[0]!.id, 'a password in the title', MIKE, 'ui'));
    ok(a.service.importEntries(b.store.since(0, 100)));
    ok(b.service.importEntries(a.store.since(0, 100)));
    for (const rig of [a, b, c]) {
      expect(rig.store.get(created.brief.id)!.title).toBe('[redacted]');
      expect(JSON.stringify(rig.store.trace(created.brief.id))).not.toContain('hunter2');
    }
    // Redacted whole, it is refused as such.
    expect(c.service.redact('#1', created.entries[0]!.id, 'again', MIKE, 'ui')).toMatchObject({ ok: false, error: { code: 'brief_change_invalid', message: expect.stringContaining('already redacted') } });
  });
});

describe('a redacted refinement in the middle of the spec\'s history', () => {
  it('leaves the spec uncontested: the edit made from it was made knowing the spec, here and on a store that imports them', () => {
    const a = trackedRig({ node: 'a' });
    const created = ok(a.service.create({ title: 't', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
    const leak = ok(a.service.append('#1', { kind: 'refinement', spec: 'v1\nsecret' }, MIKE, 'ui')).entries[0]!;
    ok(a.service.append('#1', { kind: 'refinement', spec: 'v1\nfixed' }, MIKE, 'ui'));
    const redacted = ok(a.service.redact('#1', leak.id, 'a key', MIKE, 'ui'));
    expect(redacted.brief).toMatchObject({ spec: 'v1\nfixed', specConflicts: [] });
    const b = trackedRig({ node: 'b' });
    ok(b.service.importEntries(a.store.since(0, 100)));
    expect(b.store.get(created.brief.id)).toMatchObject({ spec: 'v1\nfixed', specConflicts: [] });
  });
});
