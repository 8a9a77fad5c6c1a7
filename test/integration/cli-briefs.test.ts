import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, cliEntry, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { recreateSeedBrief } from '../fixtures/seed-brief';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { runGroveWith, type CliRun } from '../fixtures/grove-cli';

/**
 * `grove brief …` as an operator and an agent type it: the built CLI (bin/grove.js) against a
 * real host holding the seed brief (operator:mike, a real flower-orchestrator agent with its
 * own token). One host serves the tests that do not depend on each other's briefs; the
 * export/import test moves the log into a second host's data dir.
 */
let host: HostProcess;
let seed: { number: number; id: string; agentToken: string };
let dir: string;

type Run = CliRun;

const grove = (args: string[], o: { env?: Record<string, string>; stdin?: string; home?: string } = {}): Promise<Run> => runGroveWith(host, args, o);

/** The one JSON document a `--json` run printed. */
function doc<T = Record<string, unknown>>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

type Entry = { id: string; kind: string; seq: number; channel: string; actor: { kind: string; name: string }; payload: Record<string, unknown> | null };
type BriefDoc = { id: string; attachments: { sha256: string; name: string }[]; number: number; title: string; status: string; kind: string; spec: string; version: number; parentId: string | null; dependsOn: string[]; links: { id: string; type: string; target: string; label: string | null }[]; participants: { name: string; kind: string; role: string; active: boolean; wave: number | null }[]; projects: { name: string }[] };

async function briefOf(ref: string, h: { url: string; token: string } = host): Promise<{ brief: BriefDoc; trace: Entry[] }> {
  const r = await api(h, 'briefs.get', { ref, limit: 500 });
  if (!r.body.ok) throw new Error(JSON.stringify(r.body));
  return r.body.result as never;
}

beforeAll(async () => {
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  seed = await recreateSeedBrief(host);
  dir = makeTempDir('grove-cli-briefs-');
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('grove brief new / list / show', () => {
  it('creates a brief from a spec file, lists it aligned and filtered, pages the list, and shows it whole; --json prints one document', async () => {
    writeFileSync(join(dir, 'spec.md'), '# Bloom tokens\n\nColours for the flower design.\n');
    const created = await grove(['brief', 'new', 'Bloom', 'design', 'tokens', '--project', 'flower', '--project', 'garden', '--kind', 'design', '--spec-file', join(dir, 'spec.md'), '--json']);
    expect(created.code, created.stderr).toBe(0);
    const c = doc<{ ok: boolean; brief: BriefDoc; entries: Entry[] }>(created);
    expect(c.ok).toBe(true);
    expect(c.brief).toMatchObject({ title: 'Bloom design tokens', kind: 'design', status: 'draft', spec: '# Bloom tokens\n\nColours for the flower design.\n' });
    expect(c.brief.projects.map((p) => p.name)).toEqual(['flower', 'garden']);
    expect(c.entries[0]).toMatchObject({ kind: 'created', channel: 'cli', actor: { kind: 'operator', name: 'operator:mike' } });
    const n = c.brief.number;

    const human = await grove(['brief', 'new', 'Pollinator routes', '--kind', 'research']);
    expect(human.stdout).toMatch(/^Created #\d+ “Pollinator routes” \(research, draft\)\.\n$/);

    const list = await grove(['brief', 'list']);
    expect(list.code).toBe(0);
    const rows = list.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^ {2}#\d+ +draft +research +\(no project\) +Pollinator routes +just now$/);
    const bloomRow = rows.find((r) => r.includes('Bloom design tokens'))!;
    expect(bloomRow).toMatch(new RegExp(`^ {2}#${n} +draft +design +flower, garden +Bloom design tokens +just now$`));
    // Aligned: every row's title starts in the same column.
    expect(new Set(rows.map((r) => r.search(/Bloom design tokens|Pollinator routes|Worktree/)))).toHaveLength(1);
    const seedRow = rows.find((r) => r.startsWith(`  #${seed.number} `))!;
    expect(seedRow).toContain('in progress');

    const filtered = doc<{ briefs: { number: number }[] }>(await grove(['brief', 'list', '--status', 'in progress,done', '--json']));
    expect(filtered.briefs.map((b) => b.number)).toEqual([seed.number]);
    const byProject = doc<{ briefs: { number: number }[] }>(await grove(['brief', 'list', '--project', 'garden', '--json']));
    expect(byProject.briefs.map((b) => b.number)).toEqual([n]);
    const searched = doc<{ briefs: { number: number }[] }>(await grove(['brief', 'list', '--search', 'colours', '--kind', 'design', '--json']));
    expect(searched.briefs.map((b) => b.number)).toEqual([n]);

    const page = await grove(['brief', 'list', '--limit', '1', '--json']);
    const first = doc<{ ok: boolean; briefs: unknown[]; nextCursor: string | null }>(page);
    expect(first.briefs).toHaveLength(1);
    expect(first.nextCursor).toEqual(expect.any(String));
    const humanPage = await grove(['brief', 'list', '--limit', '1']);
    expect(humanPage.stdout).toContain('More briefs: add --cursor ');
    const all = doc<{ briefs: unknown[]; nextCursor: null }>(await grove(['brief', 'list', '--limit', '1', '--all', '--json']));
    expect(all.briefs.length).toBeGreaterThanOrEqual(3);
    expect(all.nextCursor).toBeNull();

    const shown = await grove(['brief', 'show', `#${n}`]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^#${n}  Bloom design tokens\\n    draft · design · flower, garden\\n`));
    for (const heading of ['Spec', 'Relationships', 'Participants', 'Links', 'Attachments', 'Trace (2 entries, oldest first)']) expect(shown.stdout).toContain(`\n${heading}\n`);
    expect(shown.stdout).toContain('  # Bloom tokens');
    expect(shown.stdout).toMatch(/\n {2}just now +created +operator · operator:mike \(cli\) +\S+\n {6}“Bloom design tokens” \(design, draft, #\d+\)/);

    const asJson = doc<{ ok: boolean; brief: BriefDoc; trace: Entry[]; total: number }>(await grove(['brief', 'show', String(n), '--json']));
    expect(asJson.ok).toBe(true);
    expect(asJson.trace.map((e) => e.kind)).toEqual(['created', 'participant_joined']);
    expect(asJson.total).toBe(2);
  });

  it('shows a trace longer than one page whole, oldest first', async () => {
    const made = (await api(host, 'briefs.create', { title: 'Long trace' })).body.result as { brief: { id: string; number: number } };
    const ref = `#${made.brief.number}`;
    // 520 notes in two imports (one transaction each) rather than 520 requests: the trace is what is tested here.
    const notes = Array.from({ length: 520 }, (_, i) => ({
      id: randomUUID(),
      briefId: made.brief.id,
      seq: 0,
      kind: 'note',
      actor: { kind: 'operator', name: 'operator:mike' },
      channel: 'api',
      at: new Date().toISOString(),
      hlc: `${String(Date.now()).padStart(13, '0')}-${String(i).padStart(4, '0')}-test`,
      payload: { text: `note ${i}` },
      redacted: null,
    }));
    for (const batch of [notes.slice(0, 500), notes.slice(500)]) expect((await api(host, 'briefs.import', { entries: batch })).status).toBe(200);
    const shown = doc<{ trace: Entry[]; total: number }>(await grove(['brief', 'show', ref, '--json']));
    expect(shown.total).toBe(522);
    expect(shown.trace[0]!.kind).toBe('created');
    const seqs = shown.trace.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(shown.trace.map((e) => e.id)).size).toBe(522);
    const human = await grove(['brief', 'show', ref]);
    expect(human.stdout).toContain('Trace (522 entries, oldest first)');
  });

  it('refuses bad input with what was wrong and what is valid', async () => {
    const unknown = await grove(['brief', 'frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown brief command "frobnicate"; the verbs are new, list, show, spec, status, note, comment');
    const status = await grove(['brief', 'status', String(seed.number), 'shipped']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('"shipped" is not a status; the statuses are draft, planned, in_progress, in_review, done, cancelled.');
    const statusJson = await grove(['brief', 'status', String(seed.number), 'shipped', '--json']);
    expect(doc(statusJson)).toEqual({ ok: false, error: { code: 'usage', message: expect.stringContaining('is not a status') } });
    const missing = await grove(['brief', 'new', 'x', '--spec-file', join(dir, 'nope.md')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`No file ${join(dir, 'nope.md')}.`);
    const link = await grove(['brief', 'link', String(seed.number), '--to', 'website:https://x']);
    expect(link.code).toBe(2);
    expect(link.stderr).toContain('KIND one of brief, lane, agent_run, merge, incident, commit, url');
    const noRef = await grove(['brief', 'show']);
    expect(noRef.code).toBe(2);
    expect(noRef.stderr).toContain('REF is missing.');
    const absent = await grove(['brief', 'show', '#9999', '--json']);
    expect(absent.code).toBe(1);
    expect(doc(absent)).toEqual({ ok: false, error: expect.objectContaining({ code: 'brief_unknown' }) });
    // A text file is not an image: the host says so by its bytes, and nothing is attached.
    const attach = await grove(['brief', 'attach', String(seed.number), join(dir, 'spec.md')]);
    expect(attach.code).toBe(1);
    expect(attach.stderr).toMatch(/PNG, JPEG, GIF (and|or) WebP/);
  });
});

describe('grove brief writes', () => {
  it('writes each kind of entry through the CLI, marked via cli, and says what it did', async () => {
    const [epic, dep, b] = (
      await Promise.all([
        grove(['brief', 'new', 'Flower garden', '--kind', 'epic', '--json']),
        grove(['brief', 'new', 'Soil survey', '--json']),
        grove(['brief', 'new', 'Plant the beds', '--json']),
      ])
    ).map((r) => doc<{ brief: BriefDoc }>(r).brief) as [BriefDoc, BriefDoc, BriefDoc];
    const ref = String(b.number);
    writeFileSync(join(dir, 'plan.md'), '1. Dig\n2. Plant\n');

    // Independent writes run side by side (each CLI start costs more than its request).
    const [status, note, comment, linked, briefLink, laneLink, joined, planned] = await Promise.all([
      grove(['brief', 'status', ref, 'in progress', '--reason', 'started']),
      grove(['brief', 'note', ref, 'dig', 'first']),
      grove(['brief', 'comment', ref, '-'], { stdin: 'read from\nstdin\n' }),
      grove(['brief', 'link', ref, '--to', 'url:https://flower.test/beds', '--label', 'plan', '--json']),
      grove(['brief', 'link', ref, '--to', `brief:#${dep.number}`]),
      grove(['brief', 'link', ref, '--to', 'lane:flower-design']),
      grove(['brief', 'join', ref, 'gardener', '--agent', '--role', 'planter', '--wave', '2']),
      grove(['brief', 'plan', ref, '--file', join(dir, 'plan.md'), '--summary', 'two steps', '--json']),
    ]);
    expect(status.stdout).toBe(`#${b.number} is now in progress.\n`);
    expect(note.stdout).toMatch(new RegExp(`^Added a note to #${b.number} \\(entry \\S+\\)\\.\\n$`));
    expect(comment.code).toBe(0);
    const linkId = doc<{ entries: Entry[] }>(linked).entries.at(-1)!.payload!.linkId as string;
    expect(briefLink.stdout).toMatch(/^Linked #\d+ to brief \S+ \(link \S+\)\.\n$/);
    expect(laneLink.code).toBe(0);
    expect(joined.stdout).toBe(`gardener joined as planter (wave 2) on #${b.number}.\n`);
    const planId = doc<{ entries: Entry[] }>(planned).entries.at(-1)!.id;

    const [unlinked, depended, parented, left, accepted, child] = await Promise.all([
      grove(['brief', 'unlink', ref, linkId]),
      grove(['brief', 'depend', ref, '--on', `#${dep.number}`]),
      grove(['brief', 'parent', ref, String(epic.number)]),
      grove(['brief', 'leave', ref, 'gardener']),
      grove(['brief', 'accept', ref, planId]),
      grove(['brief', 'new', 'Seedlings', '--parent', `#${epic.number}`, '--json']),
    ]);
    expect(doc<{ brief: BriefDoc }>(child).brief.parentId).toBe(epic.id);
    expect(unlinked.stdout).toBe(`Removed link ${linkId} from #${b.number}.\n`);
    expect(depended.stdout).toBe(`#${b.number} now depends on #${dep.number} Soil survey (draft).\n`);
    expect(parented.stdout).toBe(`The epic parent of #${b.number} is now #${epic.number} Flower garden (draft).\n`);
    expect(left.code).toBe(0);
    expect(accepted.stdout).toBe(`Plan ${planId} is now the spec of #${b.number}.\n`);

    const noteId = (await briefOf(ref)).trace.find((e) => e.kind === 'note')!.id;
    const [cycle, notEpic, redacted] = await Promise.all([
      grove(['brief', 'depend', String(dep.number), '--on', ref, '--json']),
      grove(['brief', 'parent', ref, String(dep.number)]),
      grove(['brief', 'redact', ref, noteId, '--reason', 'pasted a key', '--json']),
    ]);
    expect(cycle.code).toBe(1);
    expect(doc(cycle)).toMatchObject({ ok: false, error: { code: 'brief_cycle' } });
    expect(notEpic.code).toBe(1);
    expect(notEpic.stderr).toContain('epic');
    expect(doc(redacted)).toMatchObject({ ok: true, brief: { number: b.number }, redacted: { id: noteId, payload: null } });
    expect((await grove(['brief', 'undepend', ref, '--on', String(dep.number)])).code).toBe(0);

    const { brief, trace } = await briefOf(ref);
    expect(brief).toMatchObject({ status: 'in_progress', parentId: epic.id, dependsOn: [], spec: '1. Dig\n2. Plant\n' });
    expect(brief.links.map((l) => l.type).sort()).toEqual(['brief', 'lane']);
    expect(brief.participants.find((p) => p.name === 'gardener')).toMatchObject({ kind: 'agent', role: 'planter', wave: 2, active: false });
    expect(trace.find((e) => e.kind === 'comment')!.payload).toEqual({ text: 'read from\nstdin' });
    const written = trace.filter((e) => e.actor.kind === 'operator');
    expect(new Set(written.map((e) => e.channel))).toEqual(new Set(['cli']));
    expect(new Set(trace.map((e) => e.kind))).toEqual(
      new Set(['created', 'participant_joined', 'status_change', 'note', 'comment', 'link_added', 'link_removed', 'dependency_added', 'dependency_removed', 'parent_set', 'participant_left', 'plan_proposed', 'plan_accepted', 'redaction']),
    );
    const shown = await grove(['brief', 'show', ref]);
    expect(shown.stdout).toContain(`epic parent  #${epic.number} Flower garden (draft)`);
    expect(shown.stdout).toMatch(/\[redacted by operator:mike just now: pasted a key\]/);
    expect(shown.stdout).not.toContain('dig first');
  });

  it('edits the spec in $EDITOR: a change is a refinement, no change writes nothing, a concurrent write keeps the edited text in a file', async () => {
    const b = doc<{ brief: BriefDoc }>(await grove(['brief', 'new', 'Edited in an editor', '--json'])).brief;
    const ref = String(b.number);
    const editor = (name: string, body: string) => {
      const path = join(dir, name);
      writeFileSync(path, `#!/bin/sh\n${body}\n`);
      chmodSync(path, 0o755);
      return path;
    };
    const appends = editor('append.sh', 'printf "%s\\n" "Petals first." >> "$1"');
    const edited = await grove(['brief', 'spec', ref], { env: { EDITOR: appends, VISUAL: '' } });
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toBe(`Refined the spec of #${b.number}: The spec was edited (+1 −0 lines).\n`);
    expect((await briefOf(ref)).brief.spec).toBe('Petals first.\n');

    const before = (await briefOf(ref)).brief.version;
    const untouched = await grove(['brief', 'spec', ref, '--json'], { env: { VISUAL: editor('noop.sh', 'true') } });
    expect(doc(untouched)).toMatchObject({ ok: true, unchanged: true, entries: [] });
    expect((await briefOf(ref)).brief.version).toBe(before);
    expect((await grove(['brief', 'spec', ref], { env: { VISUAL: editor('noop2.sh', 'true') } })).stdout).toBe(`The spec of #${b.number} is unchanged; nothing was written.\n`);

    // While the operator edits, someone else writes to the brief.
    const racing = editor('race.sh', `GROVE_HOME='${host.home}' '${process.execPath}' '${cliEntry}' brief note ${ref} "meanwhile" >/dev/null\nprintf "%s\\n" "Stems second." >> "$1"`);
    const raced = await grove(['brief', 'spec', ref], { env: { EDITOR: racing } });
    expect(raced.code).toBe(1);
    expect(raced.stderr).toContain('someone wrote to it since you read it');
    const kept = /kept in (\S+);/.exec(raced.stderr)?.[1];
    expect(kept).toBeDefined();
    expect(readFileSync(kept!, 'utf8')).toBe('Petals first.\nStems second.\n');
    expect((await briefOf(ref)).brief.spec).toBe('Petals first.\n');
    const applied = await grove(['brief', 'spec', ref, '--file', kept!]);
    expect(applied.code).toBe(0);
    expect((await briefOf(ref)).brief.spec).toBe('Petals first.\nStems second.\n');

    const noEditor = await grove(['brief', 'spec', ref], { env: { EDITOR: '', VISUAL: '' } });
    expect(noEditor.code).toBe(2);
    expect(noEditor.stderr).toContain('set $VISUAL or $EDITOR, or give the new spec with --file F');
  });
});

describe('grove brief as an agent', () => {
  it('uses the agent’s own token: its note names it, what it may not do is refused', async () => {
    const agent = { GROVE_URL: host.url, GROVE_AGENT_TOKEN: seed.agentToken };
    const ref = String(seed.number);
    const noted = await grove(['brief', 'note', ref, 'wave 1 done', '--json'], { env: agent });
    expect(noted.code, noted.stdout + noted.stderr).toBe(0);
    expect(doc<{ entries: Entry[] }>(noted).entries.at(-1)).toMatchObject({ kind: 'note', channel: 'cli', actor: { kind: 'agent', name: 'flower-orchestrator' } });
    expect((await grove(['brief', 'status', ref, 'in_review'], { env: agent })).code).toBe(0);
    const noteId = doc<{ entries: Entry[] }>(noted).entries.at(-1)!.id;
    const redact = await grove(['brief', 'redact', ref, noteId, '--reason', 'mine', '--json'], { env: agent });
    expect(redact.code).toBe(1);
    expect(doc(redact)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const done = await grove(['brief', 'status', ref, 'done'], { env: agent });
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('An agent may move a brief only to in_progress or in_review, not done.');
    // Done by the operator: the agent may not reopen it.
    expect((await grove(['brief', 'status', ref, 'done'])).code).toBe(0);
    const reopen = await grove(['brief', 'status', ref, 'in_progress'], { env: agent });
    expect(reopen.code).toBe(1);
    expect(reopen.stderr).toContain(`#${ref} is done; an agent may not reopen it. Ask the operator to reopen it.`);
    expect((await briefOf(ref)).brief.status).toBe('done');
    expect((await grove(['brief', 'show', ref], { env: agent })).stdout).toContain('agent · flower-orchestrator (cli)');
    expect((await briefOf(ref)).trace.find((e) => e.id === noteId)!.payload).toEqual({ text: 'wave 1 done' });
  });
});

describe('grove brief recall', () => {
  it('prints exactly the text briefs.recall returns, and nothing else', async () => {
    const fromApi = await api(host, 'briefs.recall', { ref: `#${seed.number}` });
    const text = (fromApi.body.result as { text: string }).text;
    const recalled = await grove(['brief', 'recall', `#${seed.number}`]);
    expect(recalled.code).toBe(0);
    expect(recalled.stdout).toBe(text);
    const json = doc<{ ok: boolean; recall: { text: string; approxTokens: number } }>(await grove(['brief', 'recall', seed.id, '--json']));
    expect(json.recall.text).toBe(text);
    const first = (await briefOf(`#${seed.number}`)).trace.at(-1)!;
    const since = await api(host, 'briefs.recall', { ref: `#${seed.number}`, sinceEntry: first.id });
    expect((await grove(['brief', 'recall', String(seed.number), '--since', first.id])).stdout).toBe((since.body.result as { text: string }).text);
  });
});

describe('grove brief export / import', () => {
  it('moves the log to a second host: importing twice changes nothing, a clashing number is renumbered, a malformed line imports nothing', async () => {
    const file = join(dir, 'briefs.jsonl');
    const exported = await grove(['brief', 'export', '--out', file, '--json']);
    expect(exported.code, exported.stderr).toBe(0);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    const summary = doc<{ ok: boolean; entries: number; blobs: number }>(exported);
    expect(summary).toMatchObject({ ok: true, entries: lines.length, blobs: 0 });
    const entries = lines.map((l) => JSON.parse(l) as Entry & { briefId: string });
    expect(entries.map((e) => e.seq)).toEqual([...entries.map((e) => e.seq)].sort((a, b) => a - b));
    expect(entries[0]!.kind).toBe('created');
    // To stdout, the same lines.
    expect((await grove(['brief', 'export'])).stdout).toBe(readFileSync(file, 'utf8'));
    const tail = await grove(['brief', 'export', '--since', String(entries.at(-2)!.seq)]);
    expect(tail.stdout.trimEnd().split('\n')).toEqual(lines.slice(-1));

    const other = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'ana' } });
    await api(other, 'briefs.create', { title: 'Already here as #1' });
    const into = { home: other.home };

    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, [...lines.slice(0, 3), '{"id": "half a line', ...lines.slice(3)].join('\n') + '\n');
    const refused = await grove(['brief', 'import', broken], into);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${broken} line 4: not JSON`);
    expect(refused.stderr).toContain('Nothing was imported.');
    expect((await api(other, 'briefs.list', {})).body.result).toMatchObject({ briefs: [{ title: 'Already here as #1' }] });
    // Well-formed but not replayable here (its brief's `created` is not in it): the host refuses that batch whole.
    const orphan = join(dir, 'orphan.jsonl');
    writeFileSync(orphan, tail.stdout);
    const orphaned = await grove(['brief', 'import', orphan, '--json'], into);
    expect(orphaned.code).toBe(1);
    expect(doc(orphaned)).toMatchObject({ ok: false, error: { code: 'brief_import_invalid', message: expect.stringMatching(new RegExp(`^${orphan} line 1: .*export from the start.* Nothing was imported\\.$`)) } });
    expect((await grove(['brief', 'import', join(dir, 'absent.jsonl')], into)).stderr).toContain(`No file ${join(dir, 'absent.jsonl')}.`);

    const first = await grove(['brief', 'import', file, '--json'], into);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const r1 = doc<{ imported: number; skipped: number; renumbered: { briefId: string; from: number; to: number }[] }>(first);
    expect(r1).toMatchObject({ imported: lines.length, skipped: 0 });
    const seedBrief = entries.find((e) => e.briefId === seed.id && e.kind === 'created')!;
    expect(r1.renumbered).toContainEqual({ briefId: seed.id, from: (seedBrief.payload as { number: number }).number, to: expect.any(Number) });
    const listed = (await api(other, 'briefs.list', { limit: 500 })).body.result as { briefs: { id: string; number: number; version: number }[] };
    const sourceList = (await api(host, 'briefs.list', { limit: 500 })).body.result as { briefs: { id: string; title: string }[] };
    expect(listed.briefs).toHaveLength(sourceList.briefs.length + 1);
    expect(new Set(listed.briefs.map((b) => b.number)).size).toBe(listed.briefs.length);
    const moved = await briefOf(seed.id, other);
    expect(moved.brief.spec).toBe((await briefOf(seed.id)).brief.spec);
    const renumbered = r1.renumbered.find((x) => x.briefId === seed.id)!;
    expect(moved.brief.number).toBe(renumbered.to);
    expect(moved.trace.find((e) => e.kind === 'renumbered')!.payload).toEqual({ from: renumbered.from, to: renumbered.to });

    const again = await grove(['brief', 'import', file], into);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Imported 0 entries (${lines.length} already here, skipped) and the bytes of 0 attachments from ${file}.\n`);
    const after = (await api(other, 'briefs.list', { limit: 500 })).body.result as { briefs: { id: string; version: number }[] };
    expect(after.briefs.map((b) => [b.id, b.version])).toEqual(listed.briefs.map((b) => [b.id, b.version]));
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it(
    'carries an attachment’s bytes: a blob line before its entry, stored again on import byte-identical',
    async () => {
      const png = readFileSync(new URL('../../docs/screenshot.png', import.meta.url));
      const sha = createHash('sha256').update(png).digest('hex');
      const source = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
      await api(source, 'briefs.create', { title: 'With a screenshot' });
      const up = await fetch(`${source.url}/blobs?brief=%231&name=lane.png`, { method: 'POST', headers: { authorization: `Bearer ${source.token}` }, body: png });
      expect(up.status).toBe(200);
      const file = join(dir, 'with-blob.jsonl');
      expect((await grove(['brief', 'export', '--out', file], { home: source.home })).code).toBe(0);
      const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { blob?: { sha256: string; type: string; base64: string }; kind?: string });
      const blobAt = lines.findIndex((l) => l.blob);
      expect(lines[blobAt]!.blob).toEqual({ sha256: sha, type: 'image/png', base64: png.toString('base64') });
      expect(lines.findIndex((l) => l.kind === 'attachment_added')).toBeGreaterThan(blobAt);

      const target = await startHostProcess();
      const imported = doc<{ imported: number; blobs: number }>(await grove(['brief', 'import', file, '--json'], { home: target.home }));
      expect(imported).toMatchObject({ imported: lines.length - 1, blobs: 1 });
      const served = await fetch(`${target.url}/blobs/${sha}`, { headers: { authorization: `Bearer ${target.token}` } });
      expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
      expect((await briefOf('#1', target)).brief).toMatchObject({ attachments: [{ sha256: sha, name: 'lane.png' }] });
      const again = doc<{ imported: number; skipped: number }>(await grove(['brief', 'import', file, '--json'], { home: target.home }));
      expect(again).toMatchObject({ imported: 0, skipped: lines.length - 1 });
    },
  );
});

describe('grove brief import of long specs', () => {
  it('sends entries in batches bounded by size, so a store of long specs imports whole', async () => {
    const source = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
    await api(source, 'briefs.create', { title: 'Long specs' });
    // Sixteen refinements of ~190,000 characters (more than one request body holds), each a new text: every entry carries its spec and a diff of both.
    for (let i = 0; i < 16; i++) {
      const spec = `${i}: ${'ünïcödé and words '.repeat(10_500)}`.slice(0, 190_000);
      const r = await api(source, 'briefs.append', { ref: '#1', action: { kind: 'refinement', spec } });
      expect(r.status, JSON.stringify(r.body.error)).toBe(200);
    }
    const file = join(dir, 'long.jsonl');
    expect((await grove(['brief', 'export', '--out', file], { home: source.home })).code).toBe(0);
    expect(readFileSync(file).length).toBeGreaterThan(9 * 1024 * 1024);
    const target = await startHostProcess();
    const imported = await grove(['brief', 'import', file, '--json'], { home: target.home });
    expect(imported.code, imported.stderr).toBe(0);
    expect(doc(imported)).toMatchObject({ ok: true, imported: 18 });
    await source.stop();
    await target.stop();
  });
});
