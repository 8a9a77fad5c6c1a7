import { afterEach, describe, expect, it } from 'vitest';
import { closeRigs, trackedRig, MIKE, ORCHESTRATOR, type BriefRig } from '../../../fixtures/brief-service';
import { project } from '../../../../src/host/briefs/projection';
import type { BriefAction } from '../../../../src/shared/briefs';
import { BriefService } from '../../../../src/host/briefs/brief-service';
import { createHybridClock } from '../../../../src/host/briefs/hybrid-clock';
import { readFileSync } from 'node:fs';
import { readSetting } from '../../../../src/host/db/settings';
import { createBriefStore } from '../../../../src/host/briefs/brief-store';

afterEach(closeRigs);
const rig = (): BriefRig => trackedRig();
function must<T>(r: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

describe('brief service', () => {
  it('creates a brief numbered #1, #2… with its creator joined by Grove, as the seed trace shows', () => {
    const { service } = rig();
    const a = must(service.create({ title: 'Worktrees', kind: 'note', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const b = must(service.create({ title: 'Second', kind: 'feature', spec: '', projects: [] }, MIKE, 'cli'));
    expect([a.brief.number, b.brief.number]).toEqual([1, 2]);
    expect(a.entries.map((e) => [e.kind, e.actor.kind, e.actor.name, e.channel])).toEqual([
      ['created', 'operator', 'operator:mike', 'ui'],
      ['participant_joined', 'system', 'operator:mike', 'automatic'],
    ]);
    expect(a.brief.projects).toEqual([{ name: 'flower', primary: true }]);
    expect(a.brief.participants).toMatchObject([{ name: 'operator:mike', kind: 'operator', active: true }]);
  });

  it('every action becomes an entry whose projection, rebuilt from the log alone, equals the stored state', () => {
    const { service, store } = rig();
    const epic = must(service.create({ title: 'Epic', kind: 'epic', spec: '', projects: ['flower'] }, MIKE, 'ui')).brief;
    const dep = must(service.create({ title: 'Dep', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui')).brief;
    const b = must(service.create({ title: 'Main work', kind: 'feature', spec: 'v1', projects: ['flower'] }, MIKE, 'ui')).brief;
    const ref = `#${b.number}`;
    const actions: BriefAction[] = [
      { kind: 'note', text: 'a note' },
      { kind: 'comment', text: 'a comment' },
      { kind: 'refinement', spec: 'v2\nmore' },
      { kind: 'spec_snapshot', reason: 'before dispatch' },
      { kind: 'plan_proposed', spec: 'the plan', summary: 'do it' },
      { kind: 'status_change', to: 'planned', reason: 'ready' },
      { kind: 'details_changed', title: 'Main work, renamed', briefKind: 'design' },
      { kind: 'projects_set', projects: [{ name: 'flower', primary: false }, { name: 'api', primary: true }] },
      { kind: 'link_added', type: 'lane', target: 'flower-design', label: 'execution' },
      { kind: 'participant_joined', name: 'worker-1', participantKind: 'agent', role: 'worker', wave: 2 },
      { kind: 'participant_left', name: 'worker-1', reason: 'done' },
      { kind: 'dependency_added', on: `#${dep.number}` },
      { kind: 'parent_set', parent: `#${epic.number}` },
    ];
    for (const action of actions) must(service.append(ref, action, MIKE, 'cli'));
    const plan = store.page(b.id, 100).find((e) => e.kind === 'plan_proposed')!;
    must(service.append(ref, { kind: 'plan_accepted', planEntryId: plan.id }, MIKE, 'ui'));
    const link = store.get(b.id)!.links[0]!;
    must(service.append(ref, { kind: 'link_removed', linkId: link.id }, MIKE, 'ui'));
    must(service.append(ref, { kind: 'dependency_removed', on: `#${dep.number}` }, MIKE, 'ui'));

    const state = store.get(b.id)!;
    expect(state).toMatchObject({
      title: 'Main work, renamed',
      kind: 'design',
      status: 'planned',
      spec: 'the plan',
      parentId: epic.id,
      dependsOn: [],
      links: [],
      projects: [{ name: 'flower', primary: false }, { name: 'api', primary: true }],
    });
    expect(state.participants.find((p) => p.name === 'worker-1')).toMatchObject({ active: false, role: 'worker', wave: 2 });
    // Accepting a plan keeps the spec it replaces as a snapshot, by Grove.
    const kinds = store.trace(b.id).map((e) => e.kind);
    expect(kinds.slice(-4)).toEqual(['spec_snapshot', 'plan_accepted', 'link_removed', 'dependency_removed']);
    for (const id of store.ids()) expect(project(store.trace(id))).toEqual(store.get(id));
  });

  it('refuses a dependency or parent that closes a loop, naming the loop', () => {
    const { service } = rig();
    const mk = (title: string, kind: 'feature' | 'epic' = 'feature') => must(service.create({ title, kind, spec: '', projects: [] }, MIKE, 'ui')).brief;
    const [a, b, c] = [mk('a'), mk('b'), mk('c')];
    must(service.append('#1', { kind: 'dependency_added', on: '#2' }, MIKE, 'ui'));
    must(service.append('#2', { kind: 'dependency_added', on: '#3' }, MIKE, 'ui'));
    const loop = service.append('#3', { kind: 'dependency_added', on: '#1' }, MIKE, 'ui');
    expect(loop.ok).toBe(false);
    if (!loop.ok) {
      expect(loop.error.code).toBe('brief_cycle');
      expect(loop.error.details?.cycle).toEqual(['#3', '#1', '#2', '#3']);
      expect(loop.error.message).toContain('#3 → #1 → #2 → #3');
    }
    expect([a, b, c].length).toBe(3);
    const e1 = mk('e1', 'epic');
    const e2 = mk('e2', 'epic');
    must(service.append(`#${e2.number}`, { kind: 'parent_set', parent: `#${e1.number}` }, MIKE, 'ui'));
    const up = service.append(`#${e1.number}`, { kind: 'parent_set', parent: `#${e2.number}` }, MIKE, 'ui');
    expect(up.ok ? null : up.error.code).toBe('brief_cycle');
    const notEpic = service.append('#1', { kind: 'parent_set', parent: '#2' }, MIKE, 'ui');
    expect(notEpic.ok ? null : notEpic.error.message).toMatch(/#2 is a feature, not an epic/);
  });

  it('lets an agent note, comment, propose and link, and move a brief it takes part in only to in_progress or in_review', () => {
    const { service } = rig();
    must(service.create({ title: 'x', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    const early = service.append('#1', { kind: 'status_change', to: 'in_progress' }, ORCHESTRATOR, 'cli');
    expect(early.ok ? null : early.error.message).toMatch(/does not take part in #1/);
    const noted = must(service.append('#1', { kind: 'comment', text: 'started' }, ORCHESTRATOR, 'cli'));
    expect(noted.entries.map((e) => `${e.kind}:${e.actor.kind}:${e.actor.name}`)).toEqual(['participant_joined:system:flower-orchestrator', 'comment:agent:flower-orchestrator']);
    must(service.append('#1', { kind: 'status_change', to: 'in_progress' }, ORCHESTRATOR, 'cli'));
    const done = service.append('#1', { kind: 'status_change', to: 'done' }, ORCHESTRATOR, 'cli');
    expect(done.ok ? null : done.error.code).toBe('forbidden');
    for (const action of [{ kind: 'refinement', spec: 'x' }, { kind: 'parent_set', parent: null }, { kind: 'dependency_added', on: '#1' }] as BriefAction[]) {
      const r = service.append('#1', action, ORCHESTRATOR, 'cli');
      expect(r.ok ? null : r.error.code, action.kind).toBe('forbidden');
    }
  });

  it('accepts a plan once: a second acceptance is refused, naming the first, and the spec refined since stays', () => {
    const { service, store } = rig();
    const b = must(service.create({ title: 'Plan once', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui')).brief;
    const ref = `#${b.number}`;
    must(service.append(ref, { kind: 'plan_proposed', spec: 'the plan', summary: 'do it' }, ORCHESTRATOR, 'mcp'));
    const plan = store.trace(b.id).find((e) => e.kind === 'plan_proposed')!;
    must(service.append(ref, { kind: 'plan_accepted', planEntryId: plan.id }, MIKE, 'ui'));
    must(service.append(ref, { kind: 'refinement', spec: 'the plan, refined' }, MIKE, 'ui'));
    const entries = store.count(b.id);
    const again = service.append(ref, { kind: 'plan_accepted', planEntryId: plan.id }, MIKE, 'cli');
    expect(again.ok).toBe(false);
    if (again.ok) return;
    expect(again.error.code).toBe('brief_change_invalid');
    expect(again.error.message).toContain('already accepted');
    expect(again.error.message).toContain('refine the spec with its text');
    expect(store.get(b.id)!.spec).toBe('the plan, refined');
    expect(store.count(b.id)).toBe(entries);
  });

  it('refuses a project named twice when a brief is made, as when its projects are set', () => {
    const { service, store } = rig();
    const made = service.create({ title: 'x', kind: 'feature', spec: '', projects: ['flower', 'api', 'flower'] }, MIKE, 'ui');
    expect(made.ok ? null : made.error).toMatchObject({ code: 'brief_change_invalid', message: 'The project flower is named twice.' });
    expect(store.resolve('#1')).toBeNull();
    must(service.create({ title: 'y', kind: 'feature', spec: '', projects: ['flower'] }, MIKE, 'ui'));
    const set = service.append('#1', { kind: 'projects_set', projects: [{ name: 'api', primary: true }, { name: 'api', primary: false }] }, MIKE, 'ui');
    expect(set.ok ? null : set.error).toMatchObject({ code: 'brief_change_invalid', message: 'The project api is named twice.' });
  });

  it('a redaction stands though a step after its commit fails: the image still goes, and the failure is said', async () => {
    const r = rig();
    let failures = 1;
    // The search index's purge fails once (a full disk), as optimize can.
    const store = {
      ...r.store,
      purgeRemoved: () => {
        if (failures-- > 0) throw new Error('database or disk is full');
        r.store.purgeRemoved();
      },
    };
    const warned: string[] = [];
    const freed: string[][] = [];
    const service = new BriefService({
      store,
      events: r.events,
      clock: createHybridClock('n1'),
      blobs: r.blobs,
      operatorName: 'mike',
      agentName: () => null,
      imagesFreed: (shas) => void freed.push([...shas]),
      logger: { warn: (message) => void warned.push(message) },
    });
    const b = must(service.create({ title: 'Screens', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui')).brief;
    const put = await r.blobs.put((async function* () {
      yield readFileSync(new URL('../../../fixtures/images/dot.gif', import.meta.url));
    })());
    if (!put.ok) throw new Error(put.error.kind);
    const sha256 = put.value.sha256;
    const attached = must(service.append(b.id, { kind: 'attachment_added', sha256, name: 'dot.gif' }, MIKE, 'ui')).entries.at(-1)!;
    const redacted = service.redact(b.id, attached.id, 'a customer in it', MIKE, 'ui');
    expect(redacted.ok).toBe(true);
    expect(r.blobs.describe(sha256)).toBeNull();
    expect(freed).toEqual([[sha256]]);
    expect(warned).toEqual(['after a redaction: could not purge the redacted words from the search index; it is tried again later']);
    // Still owed, on disk: the next start (a store opened on the same file) purges.
    expect(readSetting(r.db, 'briefs.searchPurgePending')).toBe('1');
    createBriefStore(r.db).purgeRemoved();
    expect(readSetting(r.db, 'briefs.searchPurgePending')).toBeUndefined();
  });

  it('refuses a stale expectedVersion, saying what the version is now', () => {
    const { service } = rig();
    const b = must(service.create({ title: 'x', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui')).brief;
    must(service.append('#1', { kind: 'note', text: 'one' }, MIKE, 'ui', b.version));
    const stale = service.append('#1', { kind: 'note', text: 'two' }, MIKE, 'ui', b.version);
    expect(stale.ok ? null : stale.error.details).toEqual({ expected: b.version, actual: b.version + 1 });
  });

  it('redacts by tombstone: the entry stays, its text goes, the spec falls back, search no longer finds it', () => {
    const { service, store } = rig();
    must(service.create({ title: 'keys', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
    const leak = must(service.append('#1', { kind: 'refinement', spec: 'v1 with sk-live-SECRET123' }, MIKE, 'ui')).entries[0]!;
    expect(store.list({ query: 'SECRET123', limit: 10 }).briefs).toHaveLength(1);
    const r = must(service.redact('#1', leak.id, 'pasted an API key', MIKE, 'ui'));
    expect(r.redacted).toMatchObject({ id: leak.id, kind: 'refinement', payload: null, redacted: { by: MIKE, reason: 'pasted an API key' } });
    expect(r.entries.map((e) => e.kind)).toEqual(['redaction']);
    expect(r.brief.spec).toBe('v1');
    expect(store.list({ query: 'SECRET123', limit: 10 }).briefs).toHaveLength(0);
    expect(JSON.stringify(store.trace(r.brief.id))).not.toContain('SECRET123');
    expect(project(store.trace(r.brief.id))).toEqual(store.get(r.brief.id));
    const again = service.redact('#1', leak.id, 'twice', MIKE, 'ui');
    expect(again.ok ? null : again.error.code).toBe('brief_change_invalid');
  });

  it('imports an export into another store, applying it once however often it is imported, and renumbers on a clash', () => {
    const a = rig();
    must(a.service.create({ title: 'one', kind: 'feature', spec: 's', projects: ['flower'] }, MIKE, 'ui'));
    must(a.service.append('#1', { kind: 'comment', text: 'hello' }, ORCHESTRATOR, 'cli'));
    const exported = a.store.since(0, 1000);
    const b = rig();
    must(b.service.create({ title: 'local', kind: 'bug', spec: '', projects: [] }, MIKE, 'ui'));
    const first = must(b.service.importEntries(exported));
    expect(first).toMatchObject({ imported: exported.length, skipped: 0, renumbered: [{ from: 1, to: 2 }] });
    const again = must(b.service.importEntries(exported));
    expect(again).toEqual({ imported: 0, skipped: exported.length, renumbered: [] });
    const imported = b.store.byNumber(2)!;
    expect(imported.title).toBe('one');
    expect(b.store.trace(imported.id).map((e) => `${e.kind}:${e.actor.name}`)).toEqual([
      'created:operator:mike',
      'participant_joined:operator:mike',
      'participant_joined:flower-orchestrator',
      'comment:flower-orchestrator',
      // Written once the import has seen the whole brief (a shared number later in it would have made it needless).
      'renumbered:grove',
    ]);
    const orphan = b.service.importEntries([exported[exported.length - 1]!].map((e) => ({ ...e, id: 'fresh', briefId: 'nowhere' })));
    expect(orphan.ok ? null : orphan.error.code).toBe('brief_import_invalid');
  });

  it('searches titles, specs and trace text, filters by project, status and kind, and pages by cursor', async () => {
    const { service, store } = rig();
    for (let i = 1; i <= 5; i++) must(service.create({ title: `brief ${i}`, kind: i % 2 ? 'bug' : 'feature', spec: i === 3 ? 'the migration-plan' : '', projects: [i <= 2 ? 'api' : 'flower'] }, MIKE, 'ui'));
    // A later millisecond, so #4's note is its latest activity without a tie.
    await new Promise((r) => setTimeout(r, 5));
    must(service.append('#4', { kind: 'note', text: 'Käse and "quotes" AND -minus' }, MIKE, 'ui'));
    expect(store.list({ query: 'migration', limit: 10 }).briefs.map((b) => b.number)).toEqual([3]);
    expect(store.list({ query: 'kase', limit: 10 }).briefs.map((b) => b.number)).toEqual([4]);
    expect(store.list({ query: '"quotes" AND -', limit: 10 }).briefs.map((b) => b.number)).toEqual([4]);
    expect(store.list({ query: 'migr', limit: 10 }).briefs.map((b) => b.number)).toEqual([3]);
    expect(store.list({ project: 'api', limit: 10 }).briefs.map((b) => b.number).sort()).toEqual([1, 2]);
    expect(store.list({ kind: ['feature'], limit: 10 }).briefs.map((b) => b.number).sort()).toEqual([2, 4]);
    const p1 = store.list({ limit: 2 });
    expect(p1.briefs[0]!.number).toBe(4); // latest activity first
    const p2 = store.list({ limit: 2, cursor: p1.nextCursor! });
    const p3 = store.list({ limit: 2, cursor: p2.nextCursor! });
    expect([...p1.briefs, ...p2.briefs, ...p3.briefs].map((b) => b.number).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(p3.nextCursor).toBeNull();
  });
});

describe('what a redaction reaches besides the entry named', () => {
  it("takes Grove's copies of a redacted spec with it: an exact snapshot, the next refinement's diff, and the stored events", () => {
    const { service, store, events } = rig();
    must(service.create({ title: 'keys', kind: 'feature', spec: 'v1', projects: [] }, MIKE, 'ui'));
    const leak = must(service.append('#1', { kind: 'refinement', spec: 'v1\ntoken sk-live-SECRET123' }, MIKE, 'ui')).entries[0]!;
    const snapshot = must(service.append('#1', { kind: 'spec_snapshot', reason: 'before the fix' }, MIKE, 'ui')).entries[0]!;
    const fix = must(service.append('#1', { kind: 'refinement', spec: 'v1\ntoken in the vault' }, MIKE, 'ui')).entries[0]!;
    const note = must(service.append('#1', { kind: 'note', text: 'unrelated' }, MIKE, 'ui')).entries[0]!;
    expect(JSON.stringify(events.since(0).events)).toContain('SECRET123');

    const r = must(service.redact('#1', leak.id, 'pasted a key', MIKE, 'ui'));
    const after = store.trace(r.brief.id);
    expect(JSON.stringify(after)).not.toContain('SECRET123');
    expect(after.find((e) => e.id === snapshot.id)).toMatchObject({ payload: null, redacted: { reason: 'pasted a key' } });
    expect(after.find((e) => e.id === fix.id)).toMatchObject({ redacted: null, payload: { spec: 'v1\ntoken in the vault', diff: expect.stringContaining('withheld') } });
    expect(after.find((e) => e.id === note.id)!.payload).toEqual({ text: 'unrelated' });
    expect(r.brief.spec).toBe('v1\ntoken in the vault');
    expect(JSON.stringify(events.since(0).events)).not.toContain('SECRET123');
    expect(project(store.trace(r.brief.id))).toEqual(store.get(r.brief.id));
  });

  it('a redacted title leaves the stored events too, and an import of the redaction reaches the same entries', () => {
    const a = rig();
    must(a.service.create({ title: 'password hunter2', kind: 'feature', spec: 'the spec', projects: [] }, MIKE, 'ui'));
    must(a.service.append('#1', { kind: 'spec_snapshot' }, MIKE, 'ui'));
    const before = a.store.since(0, 100);
    const b = rig();
    must(b.service.importEntries(before));
    const created = before.find((e) => e.kind === 'created')!;
    must(a.service.redact('#1', created.id, 'a password in the title', MIKE, 'ui'));
    expect(JSON.stringify(a.events.since(0).events)).not.toContain('hunter2');
    // The other store learns of the redaction by importing it, and reaches the same entries.
    must(b.service.importEntries(a.store.since(0, 100)));
    expect(JSON.stringify(b.store.trace(created.briefId))).not.toContain('hunter2');
    expect(JSON.stringify(b.events.since(0).events)).not.toContain('hunter2');
    expect(b.store.trace(created.briefId).map((e) => [e.id, e.payload, e.redacted?.reason ?? null])).toEqual(a.store.trace(created.briefId).map((e) => [e.id, e.payload, e.redacted?.reason ?? null]));
  });
});

describe('review findings', () => {
  it("redacting a snapshot of the created spec blanks that spec in the created entry too, keeping the title", () => {
    const { service, store } = rig();
    must(service.create({ title: 'deploy keys', kind: 'feature', spec: 'key=AKIA-LEAKED-42', projects: [] }, MIKE, 'ui'));
    const snap = must(service.append('#1', { kind: 'spec_snapshot' }, MIKE, 'ui')).entries[0]!;
    const r = must(service.redact('#1', snap.id, 'a key', MIKE, 'ui'));
    expect(JSON.stringify(store.trace(r.brief.id))).not.toContain('AKIA-LEAKED-42');
    expect(store.list({ query: 'AKIA', limit: 5 }).briefs).toHaveLength(0);
    expect(r.brief).toMatchObject({ title: 'deploy keys', spec: '' });
  });

  it('an agent the operator took off a brief does not rejoin it by writing, so it cannot move its status', () => {
    const { service } = rig();
    must(service.create({ title: 'x', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    must(service.append('#1', { kind: 'comment', text: 'on it' }, ORCHESTRATOR, 'cli'));
    must(service.append('#1', { kind: 'participant_left', name: ORCHESTRATOR.name, reason: 'reassigned' }, MIKE, 'ui'));
    const note = must(service.append('#1', { kind: 'note', text: 'still here' }, ORCHESTRATOR, 'cli'));
    expect(note.entries.map((e) => e.kind)).toEqual(['note']);
    const moved = service.append('#1', { kind: 'status_change', to: 'in_progress' }, ORCHESTRATOR, 'cli');
    expect(moved.ok ? null : moved.error.code).toBe('forbidden');
  });

  it('a round trip whose renumbering names a number taken here renumbers again instead of failing, and tells listeners only what was kept', () => {
    const a = rig();
    const b = rig();
    for (const t of ['a1', 'a2', 'a3']) must(a.service.create({ title: t, kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    for (const t of ['b1', 'b2', 'b3', 'b4']) must(b.service.create({ title: t, kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    // b takes a's three briefs as #5..#7; then a makes a #5 of its own and imports b's log back.
    must(b.service.importEntries(a.store.since(0, 1000)));
    must(a.service.create({ title: 'a5', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    must(a.service.create({ title: 'a5b', kind: 'feature', spec: '', projects: [] }, MIKE, 'ui'));
    const back = must(a.service.importEntries(b.store.since(0, 1000)));
    expect(back.imported).toBeGreaterThan(0);
    const numbers = a.store.list({ limit: 100 }).briefs.map((x) => x.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const id of a.store.ids()) expect(project(a.store.trace(id))).toEqual(a.store.get(id));
  });
});
