import { briefAttach } from './brief-attach';
import { existsSync, readFileSync } from 'node:fs';
import { callHost, type CallFailure } from '../../host-client/call-host';
import { BRIEF_KINDS, BRIEF_STATUSES, LINK_TYPES, MAX_LIST_PAGE } from '../../shared/brief-constants';
import { entrySummary } from '../../shared/brief-entry-text';
import type { Brief, BriefAction, BriefEntry, BriefSummary } from '../../shared/briefs';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, type Target } from '../lane-target';
import { isWholeNumber, limitOption, parseCommand } from '../parse-command';
import { requireHost } from '../require-host';
import { usageError } from '../usage';
import { briefRows, count, statusWord } from './brief-format';
import { exportBriefs, exportFile } from './brief-export';
import { checkImportFile, importFile } from './brief-import';
import { briefIdsNamed, readWholeBrief, relatedBriefs, relatedName, showText } from './brief-show';
import { editorCommand, editSpec } from './brief-spec-edit';

/**
 * `grove brief …`: briefs from a terminal, through the same briefs.* methods as the UI.
 * Every write says `via: 'cli'`. Inside an agent (GROVE_URL and GROVE_AGENT_TOKEN set) every
 * verb calls the host with the agent's own token, so what an agent writes is the agent's
 * and what it may not do (redact, create, export) the host refuses. With --json each verb
 * prints exactly one JSON document: `{ "ok": true, … }` or `{ "ok": false, "error": {code, message} }`.
 */
export const BRIEF_USAGE = `Usage:
  grove brief new TITLE [--project P]... [--kind K] [--spec-file F|-] [--parent REF]
  grove brief list [--project P] [--status S[,S]] [--kind K[,K]] [--search Q] [--limit N] [--cursor C] [--all]
  grove brief show REF
  grove brief spec REF [--file F|-]   (without --file: $VISUAL or $EDITOR on the current spec)
  grove brief status REF STATUS [--reason R]
  grove brief note REF TEXT|-
  grove brief comment REF TEXT|-
  grove brief link REF --to KIND:TARGET [--label L]   (KIND: ${LINK_TYPES.join(', ')})
  grove brief unlink REF LINK_ID [--reason R]
  grove brief depend REF --on REF
  grove brief undepend REF --on REF
  grove brief parent REF EPIC_REF|--none
  grove brief join REF NAME [--agent] [--role R] [--wave N]
  grove brief leave REF NAME [--reason R]
  grove brief plan REF --file F|- [--summary S]
  grove brief accept REF PLAN_ENTRY_ID
  grove brief redact REF ENTRY_ID --reason R
  grove brief recall REF [--since ENTRY_ID]
  grove brief packet REF [--lane L]
  grove brief attach REF FILE
  grove brief export [--since SEQ] [--out FILE]
  grove brief import FILE`;

type Values = Record<string, string | boolean | string[] | undefined>;
type Verb = {
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  positionals: string[];
  /** The last positional takes every word after it (a title, a note's text). */
  rest?: boolean;
};

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const VERBS: Record<string, Verb> = {
  new: { options: { project: { type: 'string', multiple: true }, kind: str, 'spec-file': str, parent: str }, positionals: ['TITLE'], rest: true },
  list: { options: { project: str, status: str, kind: str, search: str, limit: str, cursor: str, all: flag }, positionals: [] },
  show: { options: {}, positionals: ['REF'] },
  spec: { options: { file: str }, positionals: ['REF'] },
  status: { options: { reason: str }, positionals: ['REF', 'STATUS'] },
  note: { options: {}, positionals: ['REF', 'TEXT'], rest: true },
  comment: { options: {}, positionals: ['REF', 'TEXT'], rest: true },
  link: { options: { to: str, label: str }, positionals: ['REF'] },
  unlink: { options: { reason: str }, positionals: ['REF', 'LINK_ID'] },
  depend: { options: { on: str }, positionals: ['REF'] },
  undepend: { options: { on: str }, positionals: ['REF'] },
  parent: { options: { none: flag }, positionals: ['REF'], rest: true },
  join: { options: { agent: flag, role: str, wave: str }, positionals: ['REF', 'NAME'] },
  leave: { options: { reason: str }, positionals: ['REF', 'NAME'] },
  plan: { options: { file: str, summary: str }, positionals: ['REF'] },
  accept: { options: {}, positionals: ['REF', 'PLAN_ENTRY_ID'] },
  redact: { options: { reason: str }, positionals: ['REF', 'ENTRY_ID'] },
  recall: { options: { since: str }, positionals: ['REF'] },
  packet: { options: { lane: str }, positionals: ['REF'] },
  attach: { options: {}, positionals: ['REF', 'FILE'] },
  export: { options: { since: str, out: str }, positionals: [] },
  import: { options: {}, positionals: ['FILE'] },
};
export const BRIEF_VERBS = Object.keys(VERBS);

/** A refusal before or beside the host: JSON on stdout with --json, else the message on stderr. */
function refuse(ctx: CliContext, code: string, message: string, exit: number = ExitCode.failed): number {
  if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: { code, message } }));
  else ctx.errOut(message);
  return exit;
}

/** A wrong command line (usage.ts's usageError). */
const usage = (ctx: CliContext, verb: string | null, message: string): number => usageError(ctx, BRIEF_USAGE, verb ? ['brief', verb] : ['brief'], message);

function done(ctx: CliContext, value: object, text: string): number {
  ctx.out(ctx.json ? JSON.stringify({ ok: true, ...value }) : text);
  return ExitCode.ok;
}

/** A file's text, or `-` for stdin; a missing file is named. */
async function readText(path: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
  }
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, message: code === 'ENOENT' ? `No file ${path}.` : code === 'EISDIR' ? `${path} is a directory, not a file.` : `Cannot read ${path}: ${(e as Error).message}` };
  }
}

/** "in progress", "in-progress" and "in_progress" all name in_progress. */
function oneOf<T extends string>(word: string, valid: readonly T[]): T | null {
  const w = word.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return (valid as readonly string[]).includes(w) ? (w as T) : null;
}

/** A comma-separated list of words from `valid`, or the first word that is not. */
function listOf<T extends string>(text: string, valid: readonly T[]): { ok: true; value: T[] } | { ok: false; bad: string } {
  const out: T[] = [];
  for (const w of text.split(',').filter((x) => x.trim())) {
    const v = oneOf(w, valid);
    if (!v) return { ok: false, bad: w.trim() };
    out.push(v);
  }
  return { ok: true, value: out };
}

export async function briefCommand(ctx: CliContext, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined) return usage(ctx, null, `Name what to do: ${BRIEF_VERBS.join(', ')}.`);
  const spec = VERBS[verb];
  if (!spec) return usage(ctx, null, `Unknown brief command ${JSON.stringify(verb)}; the verbs are ${BRIEF_VERBS.join(', ')}.`);
  const parsed = parseCommand(rest, spec.options, spec.positionals, { rest: spec.rest });
  if (!parsed.ok) return usage(ctx, verb, parsed.message);
  const values = parsed.values as Values;
  const words = parsed.positionals;
  const problem = checkLine(ctx, verb, values, words);
  if (problem) return usage(ctx, verb, problem);
  if (verb === 'attach') return briefAttach(ctx, words[0]!, words[1]!, { env });
  if (verb === 'import' && !existsSync(words[0]!)) return refuse(ctx, 'file_missing', `No file ${words[0]}.`);
  const host = await requireHost(ctx, { agentMay: true, env });
  if (!host.ok) return host.code;
  return runVerb(ctx, host.target, verb, values, words, env);
}

/** What the host cannot say better: values that must be words from a list, numbers, required flags. */
function checkLine(ctx: CliContext, verb: string, v: Values, words: string[]): string | null {
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (text('kind') !== undefined) {
    const kinds = listOf(text('kind')!, BRIEF_KINDS);
    if (!kinds.ok) return `${JSON.stringify(kinds.bad)} is not a kind of brief; the kinds are ${BRIEF_KINDS.join(', ')}.`;
    if (verb === 'new' && kinds.value.length !== 1) return '--kind takes one kind for a new brief.';
  }
  if (verb === 'list' && text('status') !== undefined) {
    const s = listOf(text('status')!, BRIEF_STATUSES);
    if (!s.ok) return `${JSON.stringify(s.bad)} is not a status; the statuses are ${BRIEF_STATUSES.join(', ')}.`;
  }
  if (verb === 'status' && !oneOf(words[1]!, BRIEF_STATUSES)) return `${JSON.stringify(words[1])} is not a status; the statuses are ${BRIEF_STATUSES.join(', ')}.`;
  const limit = verb === 'list' ? limitOption(text('limit'), MAX_LIST_PAGE) : null;
  if (typeof limit === 'string') return limit;
  if (verb === 'export' && text('since') !== undefined && !isWholeNumber(text('since')!)) return `--since takes an entry's sequence number (a whole number), not ${text('since')}.`;
  if (verb === 'join' && text('wave') !== undefined && (!isWholeNumber(text('wave')!) || Number(text('wave')) < 1)) return `--wave takes a whole number from 1, not ${text('wave')}.`;
  if (verb === 'link') {
    const to = text('to');
    if (!to) return `--to KIND:TARGET is missing (KIND: ${LINK_TYPES.join(', ')}; e.g. lane:flower-design, url:https://…, brief:#4).`;
    const kind = to.slice(0, to.indexOf(':'));
    if (!to.includes(':') || !oneOf(kind, LINK_TYPES)) return `--to takes KIND:TARGET with KIND one of ${LINK_TYPES.join(', ')}, not ${JSON.stringify(to)}.`;
    if (to.slice(kind.length + 1).trim() === '') return `--to ${kind}: names no target: give it after the colon (e.g. lane:flower-design, url:https://…, brief:#4).`;
  }
  if ((verb === 'depend' || verb === 'undepend') && !text('on')) return '--on REF is missing: the brief it depends on.';
  if (verb === 'parent' && (v.none ? words.length !== 1 : words.length !== 2)) return v.none ? '--none takes no epic; give one or the other.' : 'EPIC_REF is missing (or --none to clear the parent).';
  if (verb === 'plan' && !text('file')) return '--file F is missing: the plan, as markdown (- reads stdin).';
  if (verb === 'redact' && !text('reason')?.trim()) return '--reason R is missing: say why the entry is redacted.';
  if (verb === 'export' && ctx.json && typeof v.out !== 'string') return 'export --json needs --out FILE (without it, stdout is the export itself).';
  return null;
}

async function runVerb(ctx: CliContext, target: Target, verb: string, v: Values, words: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const ref = words[0]!;
  const append = async (action: BriefAction, say: (brief: Brief, entry: BriefEntry | undefined) => string, expectedVersion?: number) => {
    const r = await callHost(target, 'briefs.append', { ref, action, via: 'cli', ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
    if (!r.ok) return fail(ctx, r.error);
    const entry = r.value.entries.filter((e) => e.kind === action.kind).at(-1);
    return done(ctx, r.value, say(r.value.brief, entry));
  };
  /** A relationship written, confirmed with the other brief's number and title. */
  const appendNaming = async (action: BriefAction, say: (brief: Brief, other: string) => string) => {
    const r = await callHost(target, 'briefs.append', { ref, action, via: 'cli' });
    if (!r.ok) return fail(ctx, r.error);
    const e = r.value.entries.at(-1);
    const id = e?.payload && 'briefId' in e.payload ? e.payload.briefId : e?.payload && 'parentId' in e.payload ? e.payload.parentId : null;
    const other = id && !ctx.json ? relatedName(await relatedBriefs(target, [id]), id) : '';
    return done(ctx, r.value, say(r.value.brief, other));
  };
  const textArg = async (): Promise<{ ok: true; text: string } | { ok: false; code: number }> => {
    const t = words.slice(1).join(' ');
    if (t !== '-') return { ok: true, text: t };
    const read = await readText('-');
    return read.ok ? read : { ok: false, code: refuse(ctx, 'file_unreadable', read.message) };
  };

  switch (verb) {
    case 'new': {
      let spec = '';
      if (text('spec-file') !== undefined) {
        const read = await readText(text('spec-file')!);
        if (!read.ok) return refuse(ctx, 'file_unreadable', read.message);
        spec = read.text;
      }
      const projects = (v.project as string[] | undefined) ?? [];
      const r = await callHost(target, 'briefs.create', {
        title: words.join(' '),
        spec,
        projects,
        ...(text('kind') ? { kind: oneOf(text('kind')!, BRIEF_KINDS)! } : {}),
        ...(text('parent') ? { parent: text('parent')! } : {}),
        via: 'cli',
      });
      if (!r.ok) return fail(ctx, r.error);
      const b = r.value.brief;
      return done(ctx, r.value, `Created #${b.number} “${b.title}” (${b.kind}, ${statusWord(b.status)}${b.projects.length ? `, ${b.projects.map((p) => p.name).join(', ')}` : ''}).`);
    }
    case 'list':
      return listBriefs(ctx, target, v);
    case 'show': {
      const r = await readWholeBrief(target, ref);
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) return done(ctx, { brief: r.value.brief, trace: r.value.trace, total: r.value.trace.length }, '');
      ctx.out(showText(r.value.brief, r.value.trace, await relatedBriefs(target, briefIdsNamed(r.value.brief, r.value.trace))));
      return ExitCode.ok;
    }
    case 'spec':
      return editSpecVerb(ctx, target, ref, text('file'), env);
    case 'status':
      return append({ kind: 'status_change', to: oneOf(words[1]!, BRIEF_STATUSES)!, ...(text('reason') ? { reason: text('reason')! } : {}) }, (b) => `#${b.number} is now ${statusWord(b.status)}.`);
    case 'note':
    case 'comment': {
      const t = await textArg();
      if (!t.ok) return t.code;
      return append({ kind: verb, text: t.text }, (b, e) => `${verb === 'note' ? 'Added a note to' : 'Commented on'} #${b.number} (entry ${e?.id}).`);
    }
    case 'link': {
      const to = text('to')!;
      const type = oneOf(to.slice(0, to.indexOf(':')), LINK_TYPES)!;
      return append({ kind: 'link_added', type, target: to.slice(to.indexOf(':') + 1), ...(text('label') ? { label: text('label')! } : {}) }, (b, e) =>
        e?.kind === 'link_added' && e.payload ? `Linked #${b.number} to ${entrySummary(e)} (link ${e.payload.linkId}).` : `Linked #${b.number}.`,
      );
    }
    case 'unlink':
      return append({ kind: 'link_removed', linkId: words[1]!, ...(text('reason') ? { reason: text('reason')! } : {}) }, (b) => `Removed link ${words[1]} from #${b.number}.`);
    case 'depend':
    case 'undepend': {
      const action = verb === 'depend' ? 'dependency_added' : 'dependency_removed';
      return appendNaming({ kind: action, on: text('on')! }, (b, other) => `#${b.number} ${verb === 'depend' ? 'now depends' : 'no longer depends'} on ${other}.`);
    }
    case 'parent': {
      const parent = v.none ? null : words[1]!;
      return appendNaming({ kind: 'parent_set', parent }, (b, other) => (parent === null ? `#${b.number} has no epic parent now.` : `The epic parent of #${b.number} is now ${other}.`));
    }
    case 'join': {
      const role = text('role');
      const wave = text('wave');
      return append(
        { kind: 'participant_joined', name: words[1]!, participantKind: v.agent ? 'agent' : 'operator', ...(role ? { role } : {}), ...(wave !== undefined ? { wave: Number(wave) } : {}) },
        (b, e) => (e?.kind === 'participant_joined' && e.payload ? `${entrySummary(e)} on #${b.number}.` : `${words[1]} takes part in #${b.number}.`),
      );
    }
    case 'leave':
      return append({ kind: 'participant_left', name: words[1]!, ...(text('reason') ? { reason: text('reason')! } : {}) }, (b) => `${words[1]} no longer takes part in #${b.number}.`);
    case 'plan': {
      const read = await readText(text('file')!);
      if (!read.ok) return refuse(ctx, 'file_unreadable', read.message);
      return append({ kind: 'plan_proposed', spec: read.text, summary: text('summary') ?? '' }, (b, e) => `Proposed a plan for #${b.number} (entry ${e?.id}). The operator accepts it with: grove brief accept ${b.number} ${e?.id}`);
    }
    case 'accept':
      return append({ kind: 'plan_accepted', planEntryId: words[1]! }, (b) => `Plan ${words[1]} is now the spec of #${b.number}.`);
    case 'redact': {
      const r = await callHost(target, 'briefs.redact', { ref, entryId: words[1]!, reason: text('reason')!, via: 'cli' });
      if (!r.ok) return fail(ctx, r.error);
      return done(ctx, r.value, `Redacted entry ${words[1]} of #${r.value.brief.number}; its content is gone, the redaction is in the trace.`);
    }
    case 'recall': {
      const r = await callHost(target, 'briefs.recall', { ref, via: 'cli', ...(text('since') ? { sinceEntry: text('since')! } : {}) });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) return done(ctx, { recall: r.value }, '');
      process.stdout.write(r.value.text);
      return ExitCode.ok;
    }
    case 'packet': {
      // The text alone on stdout, so `grove brief packet 12 | pbcopy` copies exactly the packet.
      const r = await callHost(target, 'briefs.packet', { ref, ...(text('lane') ? { lane: text('lane')! } : {}) });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) return done(ctx, { packet: r.value }, '');
      ctx.out(r.value.text);
      return ExitCode.ok;
    }
    case 'export':
      return exportVerb(ctx, target, Number(text('since') ?? 0), text('out'));
    case 'import':
      return importVerb(ctx, target, words[0]!);
  }
  return usage(ctx, null, `Unknown brief command ${JSON.stringify(verb)}.`);
}

async function listBriefs(ctx: CliContext, target: Target, v: Values): Promise<number> {
  const text = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const params = {
    ...(text('project') ? { project: text('project')! } : {}),
    ...(text('status') ? { status: (listOf(text('status')!, BRIEF_STATUSES) as { value: (typeof BRIEF_STATUSES)[number][] }).value } : {}),
    ...(text('kind') ? { kind: (listOf(text('kind')!, BRIEF_KINDS) as { value: (typeof BRIEF_KINDS)[number][] }).value } : {}),
    ...(text('search') ? { query: text('search')! } : {}),
    limit: text('limit') ? Number(text('limit')) : v.all ? MAX_LIST_PAGE : 50,
  };
  const briefs: BriefSummary[] = [];
  let cursor = text('cursor');
  let next: string | null = null;
  do {
    const r = await callHost(target, 'briefs.list', { ...params, ...(cursor ? { cursor } : {}) }, 30_000);
    if (!r.ok) return fail(ctx, r.error);
    briefs.push(...r.value.briefs);
    next = r.value.nextCursor;
    cursor = next ?? undefined;
  } while (v.all && next);
  if (ctx.json) return done(ctx, { briefs, nextCursor: next }, '');
  const filtered = Object.keys(params).length > 1;
  if (!briefs.length) ctx.out(filtered ? 'No brief matches.' : 'No briefs yet. Create one: grove brief new TITLE');
  else ctx.out(briefRows(briefs).join('\n'));
  if (next) ctx.out(`More briefs: add --cursor ${next} for the next ${params.limit}, or --all for every one.`);
  return ExitCode.ok;
}

async function editSpecVerb(ctx: CliContext, target: Target, ref: string, file: string | undefined, env: NodeJS.ProcessEnv): Promise<number> {
  const current = await callHost(target, 'briefs.get', { ref, limit: 1 });
  if (!current.ok) return fail(ctx, current.error);
  const brief = current.value.brief;
  const unchanged = () => done(ctx, { brief, entries: [], unchanged: true }, `The spec of #${brief.number} is unchanged; nothing was written.`);
  // While the spec is contested, writing it unchanged is how it is kept (docs/briefs.md, The spec).
  const isContested = (brief.specConflicts?.length ?? 0) > 0;
  const refine = async (spec: string, expectedVersion?: number) => {
    const r = await callHost(target, 'briefs.append', { ref: brief.id, action: { kind: 'refinement', spec }, via: 'cli', ...(expectedVersion !== undefined ? { expectedVersion } : {}) });
    if (!r.ok) return { ok: false as const, error: r.error };
    const e = r.value.entries.find((x) => x.kind === 'refinement');
    done(ctx, r.value, `Refined the spec of #${brief.number}: ${e ? entrySummary(e) : 'written'}`);
    return { ok: true as const };
  };
  if (file !== undefined) {
    const read = await readText(file);
    if (!read.ok) return refuse(ctx, 'file_unreadable', read.message);
    if (read.text === brief.spec && !isContested) return unchanged();
    const r = await refine(read.text);
    return r.ok ? ExitCode.ok : fail(ctx, r.error);
  }
  const editor = editorCommand(env);
  if (!editor) return refuse(ctx, 'editor_missing', 'No editor: set $VISUAL or $EDITOR, or give the new spec with --file F (- reads stdin).', ExitCode.usage);
  const edited = editSpec(editor, brief.number, brief.spec);
  if (edited.kind === 'failed') return refuse(ctx, 'editor_failed', edited.message);
  if (edited.text === brief.spec && !isContested) {
    edited.discard();
    return unchanged();
  }
  // Conditional on nobody having written since the spec was read: an edit never silently undoes another's.
  const r = await refine(edited.text, brief.version);
  if (r.ok) {
    edited.discard();
    return ExitCode.ok;
  }
  const kept = `Your edited spec is kept in ${edited.file}; apply it with: grove brief spec ${brief.number} --file ${edited.file}`;
  return fail(ctx, { ...r.error, message: `${r.error.message} ${kept}`, ...('details' in r.error ? { details: { ...r.error.details, keptIn: edited.file } } : {}) } as CallFailure);
}

async function exportVerb(ctx: CliContext, target: Target, since: number, out: string | undefined): Promise<number> {
  let file: ReturnType<typeof exportFile> | null = null;
  let r: Awaited<ReturnType<typeof exportBriefs>>;
  try {
    file = out ? exportFile(out) : null;
    r = await exportBriefs(target, since, file?.stream ?? process.stdout);
  } catch (e) {
    // A reader that went away (`| head`) or a disk that filled: say so, leave no partial file.
    file?.abandon();
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') return ExitCode.failed;
    return refuse(ctx, 'file_unwritable', code === 'ENOENT' ? `Cannot write the export to ${out}: its directory does not exist.` : `Cannot write the export${out ? ` to ${out}` : ''}: ${(e as Error).message}`);
  }
  if (!r.ok) {
    file?.abandon();
    return fail(ctx, r.error);
  }
  try {
    await file?.commit();
  } catch (e) {
    return refuse(ctx, 'file_unwritable', `Cannot write the export to ${out}: ${(e as Error).message}`);
  }
  const said = `Exported ${count(r.value.entries, 'entry', 'entries')} and ${count(r.value.blobs, 'attachment')}${out ? ` to ${out}` : ''}${r.value.lastSeq !== null ? `; the next export can start with --since ${r.value.lastSeq}` : ''}.`;
  if (ctx.json) return done(ctx, { ...r.value, out }, '');
  ctx.errOut(said);
  return ExitCode.ok;
}

async function importVerb(ctx: CliContext, target: Target, path: string): Promise<number> {
  const checked = await checkImportFile(path);
  if (!checked.ok) {
    const p = checked.error;
    return refuse(ctx, 'import_malformed', `${path} line ${p.line}: ${p.kind === 'malformed' ? p.message : p.error.message}. Nothing was imported.`);
  }
  const r = await importFile(target, path);
  if (!r.ok) {
    const p = r.error;
    if (p.kind === 'malformed') return refuse(ctx, 'import_malformed', `${path} line ${p.line}: ${p.message}. The file changed while it was read; run the import again.`);
    const before = p.imported ? ` The ${count(p.imported, 'entry', 'entries')} before its batch were imported; importing the file again after a fix skips them.` : ' Nothing was imported.';
    return fail(ctx, { ...p.error, message: `${path} line ${p.line}: ${p.error.message}${before}` } as CallFailure);
  }
  const { imported, skipped, blobs, renumbered } = r.value;
  const moved = renumbered.map((n) => `#${n.from} is #${n.to} here (its number was taken)`).join('; ');
  return done(ctx, r.value, `Imported ${count(imported, 'entry', 'entries')} (${skipped} already here, skipped) and the bytes of ${count(blobs, 'attachment')} from ${path}.${moved ? ` ${moved}.` : ''}`);
}
