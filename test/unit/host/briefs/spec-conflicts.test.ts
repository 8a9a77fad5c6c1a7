import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig, MIKE, type BriefRig } from '../../../fixtures/brief-service';
import { project } from '../../../../src/host/briefs/projection';
import { recallBrief } from '../../../../src/host/briefs/recall-brief';
import type { Actor, Brief, BriefEntry } from '../../../../src/shared/briefs';

/**
 * Concurrent spec edits keep both versions (docs/briefs.md, The spec): two stores edit the same
 * spec without seeing each other, exchange their entries, and both show the same spec (the later
 * by HLC) and the same losing version, until someone edits the spec again.
 */
afterEach(closeRigs);
const ANNA: Actor = { kind: 'operator', name: 'operator:anna' };

function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}
const refine = (r: BriefRig, ref: string, spec: string, actor: Actor = MIKE) => must(r.service.append(ref, { kind: 'refinement', spec }, actor, 'ui'));
const exchange = (from: BriefRig, to: BriefRig) => must(to.service.importEntries(from.store.since(0, 10_000), { origin: 'shared' }));
const brief = (r: BriefRig, id: string): Brief => r.store.get(id)!;

/** Two stores with the same brief (spec v1), each about to edit it offline. */
function twoReplicas() {
  const a = trackedRig({ node: 'host-a' });
  const b = trackedRig({ node: 'host-b' });
  const created = must(a.service.create({ title: 'Checkout', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
  exchange(a, b);
  return { a, b, id: created.brief.id, createdId: created.entries[0]!.id };
}

describe('concurrent spec edits', () => {
  it('sequential edits: each is based on the spec it replaced, so nothing is contested', () => {
    const { a, b, id, createdId } = twoReplicas();
    const first = refine(a, id, 'v2').entries.at(-1)!;
    expect(first.payload).toMatchObject({ base: createdId });
    exchange(a, b);
    const second = refine(b, id, 'v3', ANNA).entries.at(-1)!;
    expect(second.payload).toMatchObject({ base: first.id });
    exchange(b, a);
    for (const r of [a, b]) {
      expect(brief(r, id).spec).toBe('v3');
      expect(brief(r, id).specConflicts).toEqual([]);
      expect(brief(r, id).specSource).toMatchObject({ entryId: second.id, actor: ANNA });
    }
  });

  it('two edits of the same spec made offline: both replicas show the later by HLC, and keep the other as a conflict', () => {
    const { a, b, id } = twoReplicas();
    const mine = refine(a, id, 'v2 by mike').entries.at(-1)!;
    const theirs = refine(b, id, 'v2 by anna', ANNA).entries.at(-1)!;
    exchange(a, b);
    exchange(b, a);
    const [earlier, later] = [mine, theirs].sort((x, y) => (x.hlc < y.hlc ? -1 : 1)) as [BriefEntry, BriefEntry];
    const onA = brief(a, id);
    const onB = brief(b, id);
    expect(onB).toEqual({ ...onA, number: onB.number });
    expect(onA.spec).toBe((later.payload as { spec: string }).spec);
    expect(onA.specConflicts).toEqual([{ entryId: earlier.id, actor: earlier.actor, at: earlier.at }]);
    // A projection of the same entries, in any order of arrival.
    expect(project([...a.store.trace(id)].reverse())).toEqual(onA);
  });

  it('a new edit based on the current spec resolves it; so does keeping the other version (its text again), or the same text again', () => {
    for (const resolve of ['edit', 'keep-other', 'keep-this'] as const) {
      const { a, b, id } = twoReplicas();
      const mine = refine(a, id, 'v2 by mike').entries.at(-1)!;
      refine(b, id, 'v2 by anna', ANNA);
      exchange(a, b);
      exchange(b, a);
      const contested = brief(a, id);
      expect(contested.specConflicts).toHaveLength(1);
      const loser = a.store.entry(contested.specConflicts![0]!.entryId)!;
      const text = resolve === 'edit' ? 'v3, merged' : resolve === 'keep-other' ? (loser.payload as { spec: string }).spec : contested.spec;
      refine(b, id, text);
      exchange(b, a);
      for (const r of [a, b]) {
        expect(brief(r, id).specConflicts).toEqual([]);
        expect(brief(r, id).spec).toBe(text);
      }
      void mine;
    }
  });

  it('the same text again is refused while the spec is not contested', () => {
    const { a, id } = twoReplicas();
    const r = a.service.append(id, { kind: 'refinement', spec: 'v1' }, MIKE, 'ui');
    expect(r.ok).toBe(false);
  });

  it('refinements written before edits named their base are taken as based on what preceded them', () => {
    const { a, id } = twoReplicas();
    refine(a, id, 'v2');
    refine(a, id, 'v3');
    const old = a.store.trace(id).map((e) => (e.kind === 'refinement' && e.payload ? { ...e, payload: { spec: e.payload.spec, diff: e.payload.diff } } : e));
    expect(project(old)).toMatchObject({ spec: 'v3', specConflicts: [] });
  });

  it("an agent's recall says the spec is contested, whose version lost, and where to read it", () => {
    const { a, b, id } = twoReplicas();
    refine(a, id, 'v2 by mike');
    refine(b, id, 'v2 by anna', ANNA);
    exchange(a, b);
    exchange(b, a);
    const recall = recallBrief(a.store, brief(a, id));
    if ('kind' in recall) throw new Error('no recall');
    const loser = brief(a, id).specConflicts![0]!;
    expect(recall.specConflicts).toEqual([loser]);
    expect(recall.text).toContain('## Spec contested');
    expect(recall.text).toContain(`${loser.actor.name}'s version`);
    expect(recall.text).toContain(`entry ${loser.entryId}`);
    const calm = recallBrief(b.store, must(b.service.create({ title: 'Calm', kind: 'feature', spec: 'x', projects: [] }, MIKE, 'ui')).brief);
    if ('kind' in calm) throw new Error('no recall');
    expect(calm.text).not.toContain('contested');
    expect(calm.specConflicts).toEqual([]);
  });
});
