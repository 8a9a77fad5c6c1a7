import { afterEach, describe, expect, it } from 'vitest';
import { MAX_BATCH_CHARS } from '../../../../src/host/sync/outbox';
import { closeRigs, MIKE, trackedRig } from '../../../fixtures/brief-service';

afterEach(() => closeRigs());

describe("the outbox's batches", () => {
  it('carry at most about 2 MB of text, however many entries the count would allow, and every entry goes in one of them', () => {
    const { service, outbox } = trackedRig({ sync: true });
    const created = service.create({ title: 'long specs', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
    if (!created.ok) throw new Error(JSON.stringify(created.error));
    const briefId = created.value.brief.id;
    // Ten refinements of 400,000 characters each: 4 MB, far under the 500 entries a batch may count.
    for (let i = 0; i < 10; i++) {
      const r = service.append(briefId, { kind: 'refinement', spec: String(i).repeat(400_000) }, MIKE, 'ui');
      if (!r.ok) throw new Error(JSON.stringify(r.error));
    }
    const sizes: number[] = [];
    let batched = 0;
    let after = -1;
    for (;;) {
      const batch = outbox.nextBatch(500, after);
      if (batch.ids.length === 0) break;
      sizes.push(batch.entries.reduce((n, e) => n + JSON.stringify(e.payload).length, 0));
      batched += batch.ids.length;
      after = batch.lastSeq;
    }
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(MAX_BATCH_CHARS);
    // Every waiting entry was in a batch, the ten refinements among them.
    expect(batched).toBe(outbox.waiting());
    expect(batched).toBeGreaterThanOrEqual(11);
  });
});
