import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { briefRig, MIKE, ORCHESTRATOR, type BriefRig } from '../../../fixtures/brief-service';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { project } from '../../../../src/host/briefs/projection';
import { BriefAction, BRIEF_KINDS, BRIEF_STATUSES, LINK_TYPES, type Brief, type BriefEntry } from '../../../../src/shared/briefs';
import type { Result } from '../../../../src/shared/result';
import type { ApiError } from '../../../../src/shared/errors';

/**
 * Arbitrary sequences of writes to a store of several briefs (valid ones and refused ones:
 * unknown references, cycles, an agent overstepping, stale versions, redactions of anything,
 * an import of another store's export, twice), and after every step what must always hold:
 * a refused write changed nothing; every brief's stored state is the fold of its trace and
 * its version the trace's length; numbers are unique; dependencies and parents form no loop;
 * a redacted note or comment is gone from every entry and from search. At the end, the
 * store's export imported into a fresh store gives the same briefs, and importing it again
 * changes nothing.
 */

afterAll(() => removeTempDirs());

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Another store's export: an epic, a child, a dependant, notes and a redaction; its numbers clash with any store's. */
let foreign: BriefEntry[];
let pngSha: string;
beforeAll(async () => {
  const other = briefRig({ node: 'other' });
  const ok = <T>(r: Result<T, ApiError>): T => {
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  ok(other.service.create({ title: 'Foreign epic', kind: 'epic', spec: 'the big picture', projects: ['flower'] }, MIKE, 'ui'));
  ok(other.service.create({ title: 'Foreign child', kind: 'feature', spec: '', projects: [], parent: '#1' }, MIKE, 'ui'));
  ok(other.service.create({ title: 'Foreign dependant', kind: 'bug', spec: 'fix', projects: ['api'] }, MIKE, 'cli'));
  ok(other.service.append('#3', { kind: 'dependency_added', on: '#2' }, MIKE, 'ui'));
  const note = ok(other.service.append('#2', { kind: 'note', text: 'a foreign note with uq-foreign-secret' }, MIKE, 'ui')).entries[0]!;
  ok(other.service.append('#2', { kind: 'comment', text: 'from the agent' }, ORCHESTRATOR, 'cli'));
  ok(other.service.redact('#2', note.id, 'a secret', MIKE, 'ui'));
  foreign = other.store.since(0, 10_000);
  other.close();
  // A stored image, so attachments can be valid in the sequences below.
  const blobRig = briefRig();
  const put = await blobRig.blobs.put((async function* () {
    yield PNG;
  })());
  if (!put.ok) throw new Error(JSON.stringify(put.error));
  pngSha = put.value.sha256;
  blobRig.close();
  const empty = briefRig();
  empty.close();
  template = join(empty.dir, 'grove.db');
});

/** A migrated, empty store copied for each run: migrating one costs more than a whole run. */
let template: string;
function freshRig(opts: Parameters<typeof briefRig>[0] = {}): BriefRig {
  const dir = makeTempDir();
  copyFileSync(template, join(dir, 'grove.db'));
  const rig = briefRig({ ...opts, dir });
  // What is tested here is meaning, not durability: no sync per commit keeps it quick.
  rig.db.pragma('synchronous = OFF');
  return rig;
}

// ---------------------------------------------------------------------------------------
// Commands: generated without knowing the store; indices pick among what exists when run.

type ActionSpec =
  | { kind: 'note' | 'comment' }
  | { kind: 'refinement'; spec: string }
  | { kind: 'spec_snapshot' }
  | { kind: 'plan_proposed'; spec: string; summary: string }
  | { kind: 'plan_accepted'; pick: number }
  | { kind: 'status_change'; to: (typeof BRIEF_STATUSES)[number] }
  | { kind: 'details_changed'; title?: string; briefKind?: (typeof BRIEF_KINDS)[number] }
  | { kind: 'projects_set'; projects: { name: string; primary: boolean }[] }
  | { kind: 'link_added'; type: (typeof LINK_TYPES)[number]; target: string | number }
  | { kind: 'link_removed'; pick: number }
  | { kind: 'participant_joined'; name: string; participantKind: 'operator' | 'agent'; wave?: number }
  | { kind: 'participant_left'; name: string }
  | { kind: 'dependency_added' | 'dependency_removed'; on: number }
  | { kind: 'parent_set'; parent: number | null }
  | { kind: 'attachment_added'; known: boolean };

type Cmd =
  | { op: 'create'; kind: (typeof BRIEF_KINDS)[number]; parent: number | null }
  | { op: 'append'; brief: number; action: ActionSpec; agent: boolean; version: 'none' | 'right' | 'stale' }
  | { op: 'redact'; brief: number; entry: number }
  | { op: 'import' };

/** A brief index: small numbers pick an existing brief (mod the count); 99 names none. */
const briefIndex = fc.oneof({ weight: 9, arbitrary: fc.nat(8) }, { weight: 1, arbitrary: fc.constant(99) });
const names = fc.constantFrom('worker-1', 'worker-2', 'flower-orchestrator', 'operator:mike');
const specs = fc.constantFrom('', 'v1', 'v2\nwith more', 'v1');

const actionSpec: fc.Arbitrary<ActionSpec> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<ActionSpec>({ kind: 'note' }, { kind: 'comment' }) },
  fc.record({ kind: fc.constant('refinement' as const), spec: specs }),
  fc.constant<ActionSpec>({ kind: 'spec_snapshot' }),
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('plan_proposed' as const), spec: fc.constantFrom('plan A', 'plan B'), summary: fc.constantFrom('the plan', '') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('plan_accepted' as const), pick: fc.nat(10) }) },
  fc.record({ kind: fc.constant('status_change' as const), to: fc.constantFrom(...BRIEF_STATUSES) }),
  fc.record({ kind: fc.constant('details_changed' as const), title: fc.constantFrom('renamed', 'again'), briefKind: fc.constantFrom(...BRIEF_KINDS) }, { requiredKeys: ['kind'] }),
  fc.record({ kind: fc.constant('projects_set' as const), projects: fc.array(fc.record({ name: fc.constantFrom('flower', 'api', 'web'), primary: fc.boolean() }), { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('link_added' as const), type: fc.constantFrom(...LINK_TYPES), target: fc.oneof(fc.constantFrom('https://example.test/x', 'ftp://nope', 'lane-a'), briefIndex) }),
  fc.record({ kind: fc.constant('link_removed' as const), pick: fc.nat(5) }),
  fc.record({ kind: fc.constant('participant_joined' as const), name: names, participantKind: fc.constantFrom('operator' as const, 'agent' as const), wave: fc.nat(3) }, { requiredKeys: ['kind', 'name', 'participantKind'] }),
  fc.record({ kind: fc.constant('participant_left' as const), name: names }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('dependency_added' as const, 'dependency_removed' as const), on: briefIndex }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('parent_set' as const), parent: fc.option(briefIndex, { nil: null }) }) },
  fc.record({ kind: fc.constant('attachment_added' as const), known: fc.boolean() }),
);

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), kind: fc.constantFrom('epic' as const, 'epic' as const, 'feature' as const, 'bug' as const), parent: fc.option(briefIndex, { nil: null }) }) },
  { weight: 12, arbitrary: fc.record({ op: fc.constant('append' as const), brief: briefIndex, action: actionSpec, agent: fc.nat(3).map((n) => n === 0), version: fc.constantFrom('none' as const, 'none' as const, 'right' as const, 'stale' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('redact' as const), brief: briefIndex, entry: fc.integer({ min: -1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.constant<Cmd>({ op: 'import' }) },
);

// ---------------------------------------------------------------------------------------
// Running a command against a rig.

interface World {
  rig: BriefRig;
  /** Unique words of the notes and comments, by entry id, to follow a redaction. */
  words: Map<string, string>;
  redactedWords: string[];
  counter: number;
}

const ids = (w: World): string[] => w.rig.store.ids();
const pickBrief = (w: World, i: number): Brief | null => {
  const all = ids(w);
  return i === 99 || all.length === 0 ? null : w.rig.store.get(all[i % all.length]!);
};
const refOf = (w: World, i: number): string => {
  const b = pickBrief(w, i);
  return b ? `#${b.number}` : '#99999';
};

function actionFor(w: World, brief: Brief, spec: ActionSpec): { action: BriefAction; word?: string } {
  switch (spec.kind) {
    case 'note':
    case 'comment': {
      const word = `uq${++w.counter}z`;
      return { action: { kind: spec.kind, text: `${spec.kind} about the worktree ${word}` }, word };
    }
    case 'plan_accepted': {
      const plans = w.rig.store.trace(brief.id).filter((e) => e.kind === 'plan_proposed');
      return { action: { kind: 'plan_accepted', planEntryId: plans.length ? plans[spec.pick % plans.length]!.id : 'no-such-plan' } };
    }
    case 'link_added':
      return { action: { kind: 'link_added', type: spec.type, target: typeof spec.target === 'number' ? refOf(w, spec.target) : spec.target } };
    case 'link_removed':
      return { action: { kind: 'link_removed', linkId: brief.links.length ? brief.links[spec.pick % brief.links.length]!.id : 'no-such-link' } };
    case 'dependency_added':
      return { action: { kind: spec.kind, on: refOf(w, spec.on) } };
    case 'dependency_removed': {
      // Mostly one it has, so removals are taken as well as refused.
      const has = brief.dependsOn[spec.on % 4];
      return { action: { kind: spec.kind, on: has !== undefined ? `#${w.rig.store.get(has)!.number}` : refOf(w, spec.on) } };
    }
    case 'parent_set': {
      if (spec.parent === null) return { action: { kind: 'parent_set', parent: null } };
      // Mostly an epic, so parents are set (and loops tried) as well as refused.
      const epics = w.rig.store.ids().map((id) => w.rig.store.get(id)!).filter((b) => b.kind === 'epic');
      const epic = epics[spec.parent % (epics.length + 1)];
      return { action: { kind: 'parent_set', parent: epic ? `#${epic.number}` : refOf(w, spec.parent) } };
    }
    case 'attachment_added':
      return { action: { kind: 'attachment_added', sha256: spec.known ? pngSha : 'f'.repeat(64), name: 'screen.png' } };
    default:
      return { action: spec as BriefAction };
  }
}

type Outcome = { ok: boolean; skipped?: boolean; imported?: number };

function run(w: World, c: Cmd): Outcome {
  const { service, store } = w.rig;
  switch (c.op) {
    case 'create': {
      const parent = c.parent === null ? undefined : refOf(w, c.parent);
      return { ok: service.create({ title: `brief ${++w.counter}`, kind: c.kind, spec: '', projects: ['flower'], parent }, MIKE, 'ui').ok };
    }
    case 'append': {
      const brief = pickBrief(w, c.brief);
      if (!brief) return { ok: service.append('#99999', { kind: 'note', text: 'nowhere' }, MIKE, 'ui').ok };
      const { action, word } = actionFor(w, brief, c.action);
      // What the API's schema refuses never reaches the service.
      if (!BriefAction.safeParse(action).success) return { ok: false, skipped: true };
      const version = c.version === 'none' ? undefined : c.version === 'right' ? brief.version : brief.version - 1;
      const r = service.append(`#${brief.number}`, action, c.agent ? ORCHESTRATOR : MIKE, 'ui', version);
      if (r.ok && word) w.words.set(r.value.entries.find((e) => e.kind === action.kind)!.id, word);
      return { ok: r.ok };
    }
    case 'redact': {
      const brief = pickBrief(w, c.brief);
      const trace = brief ? store.trace(brief.id) : [];
      const target = c.entry < 0 || trace.length === 0 ? 'no-such-entry' : trace[c.entry % trace.length]!.id;
      // Only the operator redacts: the API refuses the method to an agent's token.
      const r = service.redact(brief ? `#${brief.number}` : '#99999', target, 'pasted by mistake', MIKE, 'ui');
      if (r.ok && w.words.has(target)) w.redactedWords.push(w.words.get(target)!);
      return { ok: r.ok };
    }
    case 'import': {
      const r = service.importEntries(foreign);
      return { ok: r.ok, imported: r.ok ? r.value.imported : undefined };
    }
  }
}

// ---------------------------------------------------------------------------------------
// What always holds.

function snapshot(rig: BriefRig): { entries: number; states: unknown[]; attachments: number } {
  return {
    entries: (rig.db.prepare('SELECT count(*) AS n FROM brief_entries').get() as { n: number }).n,
    states: rig.db.prepare('SELECT id, number, state FROM briefs ORDER BY id').all(),
    attachments: (rig.db.prepare('SELECT count(*) AS n FROM brief_attachments').get() as { n: number }).n,
  };
}

function acyclic(edges: Map<string, string[]>): boolean {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): boolean => {
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'open') return false;
    state.set(id, 'open');
    for (const next of edges.get(id) ?? []) if (!visit(next)) return false;
    state.set(id, 'done');
    return true;
  };
  return [...edges.keys()].every(visit);
}

function checkInvariants(w: World, step: string): void {
  const { store, db } = w.rig;
  const briefs = store.ids().map((id) => store.get(id)!);
  for (const b of briefs) {
    const trace = store.trace(b.id);
    expect(project(trace), `${step}: #${b.number} is not the fold of its trace`).toEqual(b);
    expect(b.version, step).toBe(trace.length);
  }
  const numbers = briefs.map((b) => b.number);
  expect(new Set(numbers).size, `${step}: numbers ${numbers.join(',')}`).toBe(numbers.length);
  expect(acyclic(new Map(briefs.map((b) => [b.id, b.dependsOn]))), `${step}: dependencies loop`).toBe(true);
  expect(acyclic(new Map(briefs.map((b) => [b.id, b.parentId ? [b.parentId] : []]))), `${step}: parents loop`).toBe(true);
  for (const word of w.redactedWords) {
    const rows = (db.prepare("SELECT count(*) AS n FROM brief_entries WHERE payload LIKE '%' || ? || '%'").get(word) as { n: number }).n;
    expect(rows, `${step}: the redacted ${word} is still in an entry`).toBe(0);
    expect(store.list({ query: word, limit: 10 }).briefs, `${step}: search still finds the redacted ${word}`).toEqual([]);
  }
}

/** Briefs equal but for what a clash of numbers changes: the number, and the renumbered entry's version and time. */
function comparable(b: Brief, renumbered: boolean): unknown {
  if (!renumbered) return b;
  const { number: _n, version: _v, updatedAt: _u, ...rest } = b;
  return rest;
}

/** GROVE_FC_STATS=1 prints how often each kind of command was taken and refused: the sequences must reach both. */
const stats = new Map<string, { ok: number; refused: number; skipped: number }>();
function tally(c: Cmd, o: Outcome): void {
  const key = c.op === 'append' ? `append ${c.action.kind}` : c.op;
  const s = stats.get(key) ?? { ok: 0, refused: 0, skipped: 0 };
  if (o.skipped) s.skipped++;
  else if (o.ok) s.ok++;
  else s.refused++;
  stats.set(key, s);
}
afterAll(() => {
  if (process.env.GROVE_FC_STATS) console.table(Object.fromEntries(stats));
});

describe('the brief service under arbitrary sequences of writes', () => {
  it('keeps its invariants after every step, and its export imports into a fresh store once, equal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 5, maxLength: 60, size: 'medium' }), async (cmds) => {
        const w: World = { rig: freshRig(), words: new Map(), redactedWords: [], counter: 0 };
        const fresh = freshRig();
        try {
          // The image the attachments name, stored in both stores (an import needs its blobs first).
          for (const r of [w.rig, fresh]) {
            const put = await r.blobs.put((async function* () {
              yield PNG;
            })());
            expect(put.ok).toBe(true);
          }
          // Two briefs to start with, so the first commands have something to aim at.
          run(w, { op: 'create', kind: 'epic', parent: null });
          run(w, { op: 'create', kind: 'feature', parent: null });
          for (const [i, c] of cmds.entries()) {
            const before = snapshot(w.rig);
            const outcome = run(w, c);
            if (process.env.GROVE_FC_STATS) tally(c, outcome);
            const step = `step ${i} ${JSON.stringify(c)}`;
            if (!outcome.ok || outcome.imported === 0) expect(snapshot(w.rig), `${step}: a refused or empty write changed the store`).toEqual(before);
            checkInvariants(w, step);
          }

          // The export, into a fresh store: the same briefs (numbers aside where they clashed).
          const exported = w.rig.store.since(0, 100_000);
          const first = fresh.service.importEntries(exported);
          if (!first.ok) throw new Error(first.error.message);
          expect(first.value.imported).toBe(exported.length);
          const renumberedHere = new Set(first.value.renumbered.map((r) => r.briefId));
          for (const id of w.rig.store.ids()) {
            const there = fresh.store.get(id);
            expect(there, `brief ${id} did not arrive`).not.toBeNull();
            expect(comparable(there!, renumberedHere.has(id))).toEqual(comparable(w.rig.store.get(id)!, renumberedHere.has(id)));
          }
          checkInvariants({ ...w, rig: fresh }, 'after import');
          // Again: nothing changes.
          const before = snapshot(fresh);
          const again = fresh.service.importEntries(exported);
          expect(again.ok && again.value).toEqual({ imported: 0, skipped: exported.length, renumbered: [] });
          expect(snapshot(fresh)).toEqual(before);
        } finally {
          w.rig.close();
          fresh.close();
        }
      }),
      { numRuns: Number(process.env.GROVE_FC_RUNS ?? 100) },
    );
  }, 120_000);
});
