import { createHybridClock } from '../../../src/host/briefs/hybrid-clock';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Connection } from 'mysql2/promise';
import { attachedImage, closeRigs, MIKE, type BriefRig } from '../../fixtures/brief-service';
import { hasMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { withSharedStore } from '../../fixtures/shared-store';
import { pushBatch } from '../../../src/host/sync/push';
import { sharedStoreId } from '../../../src/host/sync/shared-schema';
import { WITHHELD_DIFF } from '../../../src/host/briefs/redaction-spread';
import { readFileSync } from 'node:fs';
import type { BriefAction, BriefEntry } from '../../../src/shared/briefs';

const GIF = readFileSync(new URL('../../fixtures/images/dot.gif', import.meta.url));

/**
 * The push's rewrites of shared rows (push.ts, rewriteTombstones) against a real MariaDB: a
 * queued entry's row becomes its redacted form, in the push transaction, and never the other
 * way: a row the shared store already holds tombstoned keeps its tombstone, even when this
 * host only withheld that entry's diff.
 */
afterEach(closeRigs);
afterAll(stopAllMariaDbs);

async function rows(c: Connection): Promise<Map<string, { payload: string | null; redacted: string | null }>> {
  const [r] = await c.query('SELECT id, payload, redacted FROM entries');
  return new Map((r as { id: string; payload: string | null; redacted: string | null }[]).map((x) => [x.id, x]));
}

/** The shared store, host B syncing to it, and B's clock. */
async function withHostB(work: (conn: Connection, b: BriefRig, clock: ReturnType<typeof createHybridClock>) => Promise<void>): Promise<void> {
  await withSharedStore((conn, b) => work(conn, b, createHybridClock('host-b')));
}

/** A brief on B with an entry for each action: its id and those entries, in order. */
function briefOf(b: BriefRig, spec: string, actions: BriefAction[]): { briefId: string; entries: BriefEntry[] } {
  const created = b.service.create({ title: 'Keys', kind: 'feature', spec, projects: [] }, MIKE, 'ui');
  if (!created.ok) throw new Error(created.error.message);
  const briefId = created.value.brief.id;
  const entries = actions.map((action) => {
    const added = b.service.append(briefId, action, MIKE, 'ui');
    if (!added.ok) throw new Error(added.error.message);
    return added.value.entries.at(-1)!;
  });
  return { briefId, entries };
}

function redactEach(b: BriefRig, briefId: string, entries: readonly BriefEntry[], reason: string): void {
  for (const e of entries) {
    const redacted = b.service.redact(briefId, e.id, reason, MIKE, 'ui');
    if (!redacted.ok) throw new Error(redacted.error.message);
  }
}

describe.skipIf(!hasMariaDb())('push: rewriting shared rows after a redaction', () => {
  it('rewrites to the redacted form only, and clears the queue once committed', async () => {
    await withHostB(async (conn, b, clock) => {
      const created = b.service.create({ title: 'Keys', kind: 'feature', spec: 'token hunter2-abc', projects: [] }, MIKE, 'ui');
      if (!created.ok) throw new Error(created.error.message);
      const refined = b.service.append(created.value.brief.id, { kind: 'refinement', spec: 'token from the vault' }, MIKE, 'ui');
      if (!refined.ok) throw new Error(refined.error.message);
      const refinement = refined.value.entries.at(-1)!;
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, await sharedStoreId(conn))).pushed > 0);
      expect(JSON.stringify([...(await rows(conn)).values()])).toContain('hunter2-abc');

      // Another host redacted the refinement itself and rewrote its row; this one has not pulled that yet.
      const otherTombstone = JSON.stringify({ by: MIKE, reason: 'elsewhere', at: new Date().toISOString(), redactionId: 'r-elsewhere' });
      await conn.query('UPDATE entries SET payload = NULL, redacted = ? WHERE id = ?', [otherTombstone, refinement.id]);

      // Here the spec is redacted: the created entry is tombstoned, the refinement's diff withheld; both queued.
      const target = created.value.entries[0]!;
      const redacted = b.service.redact(created.value.brief.id, target.id, 'a token', MIKE, 'ui');
      if (!redacted.ok) throw new Error(redacted.error.message);
      expect(b.store.entry(refinement.id)!.payload).toMatchObject({ diff: WITHHELD_DIFF });
      expect(b.outbox.nextTombstones(10).sort()).toEqual([target.id, refinement.id].sort());

      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, await sharedStoreId(conn))).pushed > 0);
      const after = await rows(conn);
      expect(JSON.stringify([...after.values()])).not.toContain('hunter2-abc');
      expect(after.get(target.id)!.redacted).not.toBeNull();
      // The withheld diff did not put the refinement's text back over the other host's tombstone.
      expect(after.get(refinement.id)).toMatchObject({ payload: null, redacted: otherTombstone });
      expect(b.outbox.waiting()).toBe(0);
    });
  }, 30_000);

  it('rewrites a batch of hundreds of redacted rows in a statement or two, not a round trip each (a slow link would time every retry out)', async () => {
    await withHostB(async (conn, b, clock) => {
      const { briefId, entries: notes } = briefOf(b, '', Array.from({ length: 300 }, (_, n) => ({ kind: 'note', text: `key ${n}: hunter2-${n}` })));
      const storeId = await sharedStoreId(conn);
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).pushed > 0);
      redactEach(b, briefId, notes, 'a key');
      expect(b.outbox.redactedWaiting()).toBe(300);
      const updates = async (): Promise<number> => {
        const [r] = await conn.query("SHOW SESSION STATUS LIKE 'Com_update'");
        return Number((r as { Value: string }[])[0]!.Value);
      };
      const before = await updates();
      const first = await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId);
      // The 300 redaction entries and the 300 rewrites, in one batch: the counter's UPDATE and one for the rows.
      expect(first.pushed).toBe(600);
      expect((await updates()) - before).toBe(2);
      expect(b.outbox.waiting()).toBe(0);
      const after = await rows(conn);
      expect(JSON.stringify([...after.values()])).not.toContain('hunter2-');
      for (const note of notes) expect(after.get(note.id)).toMatchObject({ payload: null, redacted: expect.stringContaining('a key') });
    });
  }, 60_000);

  it('bounds a batch\'s rewrites by size, as its entries are: withheld refinements keep their whole spec; the rest go in the next batch', async () => {
    await withHostB(async (conn, b, clock) => {
      // 40 specs of 120 KB each: redacting one withholds the next one's diff, and that row keeps
      // its whole spec. Every other one redacted: 20 rows of 120 KB to rewrite, 2.4 MB.
      const { briefId, entries: refinements } = briefOf(b, 'v0', Array.from({ length: 40 }, (_, n) => ({ kind: 'refinement', spec: `version ${n}\n${'x'.repeat(120_000)}` })));
      const storeId = await sharedStoreId(conn);
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).pushed > 0);
      const redactedOnes = refinements.filter((_, n) => n % 2 === 0);
      const withheld = refinements.filter((_, n) => n % 2 === 1);
      redactEach(b, briefId, redactedOnes, 'leaked');
      expect(b.outbox.redactedWaiting()).toBe(40);
      await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId);
      const left = b.outbox.redactedWaiting();
      expect(left).toBeGreaterThan(0); // about 2 MB went; the rest waits
      expect(left).toBeLessThan(40);
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).pushed > 0);
      expect(b.outbox.waiting()).toBe(0);
      const after = await rows(conn);
      for (const r of redactedOnes) expect(after.get(r.id)!.redacted).not.toBeNull();
      for (const r of withheld) expect(JSON.parse(after.get(r.id)!.payload!)).toMatchObject({ diff: WITHHELD_DIFF });
    });
  }, 60_000);

  it("refuses a batch whose attachment's image is not on the shared store (a redaction deleted it after its upload): nothing pushed, pushed once it is there", async () => {
    await withHostB(async (conn, b, clock) => {
      const { sha } = await attachedImage(b);
      const waiting = b.outbox.waiting();
      const storeId = await sharedStoreId(conn);

      const refused = await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId);
      expect(refused).toEqual({ pushed: 0, numbered: 0, imagesGone: [sha] });
      expect((await rows(conn)).size).toBe(0);
      expect(b.outbox.waiting()).toBe(waiting);
      const [counter] = await conn.query("SELECT value FROM counters WHERE name = 'entry_seq'");
      expect(Number((counter as { value: number }[])[0]!.value)).toBe(0); // rolled back whole

      // Uploaded again (here: its row, as the upload's first step writes it), the batch goes.
      await conn.query('INSERT INTO blobs (sha256, size, type, chunks, chunk_size, complete, lost) VALUES (?, ?, ?, 0, 0, 0, 1)', [sha, GIF.length, 'image/gif']);
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).pushed > 0);
      expect(b.outbox.waiting()).toBe(0);
      expect([...(await rows(conn)).values()].some((r) => r.payload?.includes(sha))).toBe(true);
    });
  }, 30_000);

  it("a replay's re-uploaded image goes again when a redaction elsewhere un-named it after the first push", async () => {
    await withHostB(async (conn, b, clock) => {
      const { sha, entry } = await attachedImage(b);
      const uploaded = () => conn.query('INSERT INTO blobs (sha256, size, type, chunks, chunk_size, complete, lost) VALUES (?, ?, ?, 1, 8192, 1, 0)', [sha, GIF.length, 'image/gif']);
      await uploaded();
      const storeId = await sharedStoreId(conn);
      while ((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).pushed > 0);

      // Another host redacted it, and its push deleted the image; this host never heard its COMMIT
      // answer, so it uploads the image again and pushes the entry again.
      await conn.query('UPDATE entries SET payload = NULL, redacted = ? WHERE id = ?', [JSON.stringify({ by: MIKE, reason: 'elsewhere', at: new Date().toISOString(), redactionId: 'r' }), entry.id]);
      await conn.query('DELETE FROM blobs WHERE sha256 = ?', [sha]);
      await uploaded();
      const replay = await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId, { batch: { ids: ['replayed'], entries: [entry] }, haveImage: () => true });
      expect(replay.imagesGone).toEqual([]);
      const [left] = await conn.query('SELECT sha256 FROM blobs WHERE sha256 = ?', [sha]);
      expect(left).toEqual([]);
      expect((await rows(conn)).get(entry.id)!.payload).toBeNull();
    });
  }, 30_000);
});

describe.skipIf(!hasMariaDb())('push: numbering the briefs a batch creates', () => {
  it('numbers them in the batch, each once, after its entries; a brief the store numbered already keeps its number (the batch goes again, asking)', async () => {
    await withHostB(async (conn, b, clock) => {
      const make = (title: string) => {
        const r = b.service.create({ title, kind: 'feature', spec: '', projects: [] }, MIKE, 'ui');
        if (!r.ok) throw new Error(r.error.message);
        return r.value.brief.id;
      };
      const storeId = await sharedStoreId(conn);
      const [one, two] = [make('one'), make('two')];
      const pushed = await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId);
      expect(pushed.numbered).toBe(2);
      const numbered = async () => {
        const [r] = await conn.query("SELECT brief_id, seq, JSON_VALUE(payload, '$.number') AS number FROM entries WHERE kind = 'numbered' ORDER BY seq");
        return (r as { brief_id: string; seq: number; number: string }[]).map((x) => [x.brief_id, Number(x.number)]);
      };
      expect(await numbered()).toEqual([
        [one, 1],
        [two, 2],
      ]);
      const [counters] = await conn.query('SELECT name, value FROM counters ORDER BY name');
      const [maxSeq] = await conn.query('SELECT MAX(seq) AS s, COUNT(*) AS n FROM entries');
      expect(counters).toEqual(expect.arrayContaining([{ name: 'brief_number', value: 2 }, { name: 'entry_seq', value: Number((maxSeq as { s: number }[])[0]!.s) }]));
      expect(Number((maxSeq as { s: number; n: number }[])[0]!.n)).toBe(Number((maxSeq as { s: number }[])[0]!.s)); // no gap in seq

      // A brief that has a number on the store already (given by a Grove that numbered it apart): kept, not numbered again.
      const three = make('three');
      await conn.query("INSERT INTO brief_numbers (brief_id, number) VALUES (?, 40)", [three]);
      await conn.query("UPDATE counters SET value = 40 WHERE name = 'brief_number'");
      expect((await pushBatch(conn, b.store, b.outbox, 'host-b', clock, storeId)).numbered).toBe(0);
      expect((await numbered()).map(([id]) => id)).toEqual([one, two]);
      const [numbers] = await conn.query('SELECT brief_id, number FROM brief_numbers ORDER BY number');
      expect(numbers).toEqual([
        { brief_id: one, number: 1 },
        { brief_id: two, number: 2 },
        { brief_id: three, number: 40 },
      ]);
    });
  }, 30_000);
});
