import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { briefRig, MIKE } from '../../../fixtures/brief-service';
import { removeTempDirs } from '../../../fixtures/temp-dir';
import { createBriefStore, type BriefStore } from '../../../../src/host/briefs/brief-store';
import { searchableText } from '../../../../src/host/briefs/searchable-text';
import { BriefService } from '../../../../src/host/briefs/brief-service';
import { createHybridClock } from '../../../../src/host/briefs/hybrid-clock';
import type { BriefSummary } from '../../../../src/shared/briefs';

afterAll(() => removeTempDirs());

/**
 * Search finds a brief when one of its entries holds every word (the last as a prefix), and
 * lists the finds by last activity, newest first. The store answers either by looking up the
 * brief of each matching entry (few matches) or by walking the briefs by activity (many): both
 * must give exactly what a plain scan of the trace gives, page by page.
 */
const WORDS = ['worktree', 'work', 'agent', 'lane', 'merge', 'zebra'];
const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 4 }).map((ws) => ws.join(' '));

function listAll(store: BriefStore, query: string, limit: number): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page: { briefs: BriefSummary[]; nextCursor: string | null } = store.list({ query, limit, cursor });
    ids.push(...page.briefs.map((b) => b.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('the pages never end');
}

describe('brief search', () => {
  it('finds the same briefs in the same order through either plan, page after page, as a scan of the trace', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ title: text, notes: fc.array(text, { maxLength: 5 }) }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom(...WORDS, 'wor', 'zeb', 'absent'), { minLength: 1, maxLength: 2 }).map((ws) => ws.join(' ')),
        fc.integer({ min: 1, max: 5 }),
        (briefs, query, limit) => {
          const rig = briefRig();
          try {
            // A clock that stands still now and then, so some briefs tie on last activity (the id breaks ties).
            let tick = Date.parse('2026-01-01T00:00:00Z');
            let calls = 0;
            const now = (): Date => new Date((tick += 1000 * (calls++ % 3)));
            const service = new BriefService({ store: rig.store, events: rig.events, clock: createHybridClock('n1'), blobs: rig.blobs, operatorName: 'mike', agentName: () => null, now });
            // One transaction: the store syncs every commit, and this test is about reads.
            rig.store.transaction(() => {
              for (const b of briefs) {
                const created = service.create({ title: b.title, kind: 'feature', spec: '', projects: [] }, MIKE, 'api');
                if (!created.ok) throw new Error(created.error.message);
                for (const n of b.notes) service.append(created.value.brief.id, { kind: 'note', text: n }, MIKE, 'api');
              }
            });
            const words = query.split(' ');
            const holds = (t: string): boolean => {
              const tokens = t.split(/\s+/);
              return words.every((w, i) => tokens.some((tok) => (i === words.length - 1 ? tok.startsWith(w) : tok === w)));
            };
            const expected = rig.store
              .list({ limit: 500 })
              .briefs.filter((b) => rig.store.trace(b.id).some((e) => holds(searchableText(e))))
              .map((b) => b.id);
            const fewHits = createBriefStore(rig.db, { manyHits: Number.MAX_SAFE_INTEGER });
            const manyHits = createBriefStore(rig.db, { manyHits: 1 });
            expect(listAll(fewHits, query, limit)).toEqual(expected);
            expect(listAll(manyHits, query, limit)).toEqual(expected);
          } finally {
            rig.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
