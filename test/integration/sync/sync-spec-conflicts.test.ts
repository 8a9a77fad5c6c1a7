import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../../fixtures/temp-dir';
import { stopAllHosts } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs } from '../../fixtures/mariadb';
import { runGrove, runGroveWith } from '../../fixtures/grove-cli';
import { append, call, createBrief, snapshot, startSyncedHost, syncAll, syncSet } from '../../fixtures/sync-hosts';
import type { Recall } from '../../../src/shared/briefs';

/**
 * Two operators edit the same spec while their Groves cannot reach the shared store, then
 * sync: both Groves show the same spec (the later edit by HLC) and the same notice naming the
 * other edit, in the API, in `grove brief show` and in what an agent recalls; an edit made
 * after seeing the conflict settles it everywhere.
 */
afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('sync: concurrent spec edits keep both versions', () => {
  it('two hosts editing the same spec offline converge on the same spec and the same conflict; a later edit settles it', async () => {
    const db = await startMariaDb();
    const a = await startSyncedHost(db, { env: { GROVE_OPERATOR_NAME: 'anna' } });
    const b = await startSyncedHost(db, { env: { GROVE_OPERATOR_NAME: 'ben' } });
    for (const h of [a, b]) await syncSet(h, db);
    const brief = await createBrief(a, 'Checkout');
    await syncAll([a, b]);

    // Offline: neither sees the other's edit.
    db.pause();
    await append(a, brief.id, { kind: 'refinement', spec: 'Pay by card.' });
    await append(b, brief.id, { kind: 'refinement', spec: 'Pay by invoice.' });
    db.resume();
    await syncAll([a, b]);

    const [sa, sb] = [(await snapshot(a)).get(brief.id)!, (await snapshot(b)).get(brief.id)!];
    const edits = sa.trace.filter((e) => e.kind === 'refinement').sort((x, y) => (x.hlc < y.hlc ? -1 : 1));
    expect(edits).toHaveLength(2);
    const [lost, won] = edits as [(typeof edits)[0], (typeof edits)[0]];
    for (const s of [sa, sb]) {
      expect(s.brief.spec).toBe((won.payload as { spec: string }).spec);
      expect(s.brief.specConflicts).toEqual([{ entryId: lost.id, actor: lost.actor, at: lost.at }]);
      expect(s.brief.specSource).toEqual({ entryId: won.id, actor: won.actor, at: won.at });
    }

    // The operator's CLI and an agent's recall say so, on both hosts.
    for (const h of [a, b]) {
      const shown = await runGrove(h, ['brief', 'show', brief.id]);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`Edited at the same time as operator · ${lost.actor.name}'s edit`);
      expect(shown.stdout).toContain(`kept as entry ${lost.id}`);
      const recall = await call<Recall>(h, 'briefs.recall', { ref: brief.id });
      expect(recall.specConflicts).toEqual([{ entryId: lost.id, actor: lost.actor, at: lost.at }]);
      expect(recall.text).toContain('## Spec contested');
    }

    // Keeping the losing version: a refinement with its text, based on the current spec.
    const keeper = won.actor.name === 'operator:anna' ? a : b;
    await append(keeper, brief.id, { kind: 'refinement', spec: (lost.payload as { spec: string }).spec });
    await syncAll([a, b]);
    for (const h of [a, b]) {
      const s = (await snapshot(h)).get(brief.id)!;
      expect(s.brief.spec).toBe((lost.payload as { spec: string }).spec);
      expect(s.brief.specConflicts).toEqual([]);
      expect((await runGrove(h, ['brief', 'show', brief.id])).stdout).not.toContain('Edited at the same time');
    }

    // Contested again; the operator keeps the standing spec from the CLI by writing it unchanged.
    db.pause();
    await append(a, brief.id, { kind: 'refinement', spec: 'Pay by card or wallet.' });
    await append(b, brief.id, { kind: 'refinement', spec: 'Pay by invoice only.' });
    db.resume();
    await syncAll([a, b]);
    const contested = (await snapshot(b)).get(brief.id)!.brief;
    expect(contested.specConflicts).toHaveLength(1);
    const kept = await runGroveWith(b, ['brief', 'spec', brief.id, '--file', '-'], { stdin: contested.spec });
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('Refined the spec');
    await syncAll([a, b]);
    for (const h of [a, b]) expect((await snapshot(h)).get(brief.id)!.brief).toMatchObject({ spec: contested.spec, specConflicts: [] });
  }, 60_000);
});

if (!hasMariaDb()) console.log('sync spec conflict tests: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
