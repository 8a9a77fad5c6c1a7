import { ENTRY_LABELS, type Brief, type BriefEntry, type Recall } from '../../shared/briefs';
import type { BriefStore } from './brief-store';
import { entrySummary } from '../../shared/brief-entry-text';

/**
 * The agent's-eye payload: what an agent reads when it recalls a brief. The UI's Agent's-eye
 * view, `grove brief recall` and the MCP tool all call this one function, so what the operator
 * sees there is literally what the agent gets.
 *
 * Bounded by construction: an agent's tool output is capped by its CLI (and costs context), so
 * the spec is cut past SPEC_BUDGET, each trace entry past ENTRY_BUDGET, and the trace stops at
 * TRACE_BUDGET or MAX_ENTRIES; each list (dependencies, participants, links, attachments)
 * stops at LIST_BUDGET, each of its items cut past ITEM_BUDGET. What was left out is counted,
 * with how to ask for it. The seed brief fits in about 4,000 tokens; any brief stays under
 * 8,000 (the sum of the budgets, with the longest title and projects, is about 31,000
 * characters).
 */
export const SPEC_BUDGET = 12_000;
export const ENTRY_BUDGET = 600;
export const TRACE_BUDGET = 10_000;
export const MAX_ENTRIES = 40;
export const LIST_BUDGET = 1_000;
export const ITEM_BUDGET = 200;
/** One token is about four characters of English or code: the usual rule of thumb. */
export const CHARS_PER_TOKEN = 4;

export interface RecallOptions {
  /** Only entries after this one (what is new since the agent last looked). */
  sinceEntry?: string;
  /** Where the reader finds each attachment as a file (an agent's lane: `.grove/briefs/N/…`), by attachment id. */
  attachmentFiles?: ReadonlyMap<string, string>;
}

export type RecallError = { kind: 'since_unknown'; entryId: string };

export function recallBrief(store: BriefStore, brief: Brief, opts: RecallOptions = {}): Recall | RecallError {
  // A brief's version is its number of entries.
  const total = brief.version;
  let sinceSeq = 0;
  if (opts.sinceEntry !== undefined) {
    const since = store.entry(opts.sinceEntry);
    if (!since || since.briefId !== brief.id) return { kind: 'since_unknown', entryId: opts.sinceEntry };
    sinceSeq = since.seq;
  }
  const ref = `#${brief.number}`;
  const title = (id: string): string => {
    const b = store.get(id);
    return b ? `#${b.number} ${b.title} (${b.status})` : `${id} (not in this store)`;
  };
  const lines: string[] = [];
  lines.push(`# Brief ${ref}: ${brief.title}`);
  lines.push('');
  lines.push(`- status: ${brief.status}`);
  lines.push(`- kind: ${brief.kind}`);
  lines.push(`- projects: ${brief.projects.length ? brief.projects.map((p) => (p.primary ? `${p.name} (primary)` : p.name)).join(', ') : 'none'}`);
  lines.push(`- epic parent: ${brief.parentId ? title(brief.parentId) : 'none'}`);
  const more = (n: number): string => `[${n.toLocaleString('en')} more: \`grove brief show ${ref}\`]`;
  if (brief.dependsOn.length === 0) lines.push('- depends on: nothing (dispatchable once planned)');
  else lines.push(`- depends on: ${bounded(brief.dependsOn.map(title), more).join('; ')}`);
  lines.push('');
  lines.push('## Spec (canonical)');
  lines.push('');
  if (brief.spec.trim() === '') lines.push('(no spec yet)');
  else if (brief.spec.length <= SPEC_BUDGET) lines.push(brief.spec);
  else {
    lines.push(brief.spec.slice(0, SPEC_BUDGET));
    lines.push('');
    lines.push(`[spec cut at ${SPEC_BUDGET.toLocaleString('en')} of ${brief.spec.length.toLocaleString('en')} characters; the whole spec: \`grove brief show ${ref}\`]`);
  }
  const conflicts = brief.specConflicts ?? [];
  if (conflicts.length > 0) {
    // An agent working from a contested spec must know another version exists, and where to read it.
    const source = brief.specSource;
    lines.push('');
    lines.push('## Spec contested');
    lines.push('');
    lines.push(
      `The spec above is the later of edits made at the same time${source ? ` (${source.actor.name}, ${stamp(source.at)}, entry ${source.entryId})` : ''}; ${conflicts.length === 1 ? 'this version was' : 'these versions were'} replaced without being seen and ${conflicts.length === 1 ? 'is' : 'are'} kept in the trace until someone edits the spec again:`,
    );
    // Bounded like every list here: conflicts pile up until someone edits the spec.
    for (const c of bounded(conflicts.map((v) => `${v.actor.name}'s version, ${stamp(v.at)}: entry ${v.entryId} (\`grove brief show ${ref}\`)`), more)) lines.push(`- ${c}`);
    lines.push('Ask the operator which to keep before relying on a part the versions disagree on.');
  }
  lines.push('');
  lines.push('## Participants');
  lines.push('');
  if (brief.participants.length === 0) lines.push('none');
  const participants = brief.participants.map((p) => `${p.name} (${p.kind}, ${p.role}${p.wave !== null ? `, wave ${p.wave}` : ''}, ${p.active ? 'active' : 'left'})`);
  for (const p of bounded(participants, more)) lines.push(`- ${p}`);
  if (brief.links.length > 0) {
    lines.push('');
    lines.push('## Links');
    lines.push('');
    const links = brief.links.map((l) => `${l.label ? `${l.label}: ` : ''}${l.type.replace('_', ' ')} ${l.type === 'brief' ? title(l.target) : l.target}`);
    for (const l of bounded(links, more)) lines.push(`- ${l}`);
  }
  if (brief.attachments.length > 0) {
    lines.push('');
    lines.push('## Attachments');
    lines.push('');
    const file = (id: string): string => {
      const path = opts.attachmentFiles?.get(id);
      return path ? ` — file: ${path}` : '';
    };
    for (const a of bounded(brief.attachments.map((a) => `${a.name} (${a.type}, ${Math.ceil(a.size / 1024)} KiB)${file(a.id)}`), more)) lines.push(`- ${a}`);
  }
  lines.push('');
  const newer = sinceSeq > 0;
  const candidates = store.page(brief.id, MAX_ENTRIES + 1).filter((e) => e.seq > sinceSeq);
  const shown: BriefEntry[] = [];
  const shownLines: string[] = [];
  let used = 0;
  for (const e of candidates.slice(0, MAX_ENTRIES)) {
    const line = traceLine(e);
    if (used + line.length > TRACE_BUDGET && shown.length > 0) break;
    shown.push(e);
    shownLines.push(line);
    used += line.length;
  }
  const inScope = newer ? store.count(brief.id, sinceSeq) : total;
  lines.push(newer ? `## Trace since entry ${opts.sinceEntry} (newest first)` : '## Trace (newest first)');
  lines.push('');
  if (shown.length === 0) lines.push(newer ? 'Nothing new.' : 'No entries.');
  lines.push(...shownLines);
  const left = inScope - shown.length;
  if (left > 0) {
    const oldest = shown[shown.length - 1];
    lines.push('');
    lines.push(
      `[${left.toLocaleString('en')} earlier ${left === 1 ? 'entry is' : 'entries are'} not shown. Read the whole trace with \`grove brief show ${ref}\`${oldest ? `, or page on with briefs.get {"ref": "${ref}", "before": ${oldest.seq}}` : ''}.]`,
    );
  }
  const text = lines.join('\n') + '\n';
  return {
    briefId: brief.id,
    number: brief.number,
    text,
    chars: text.length,
    approxTokens: Math.ceil(text.length / CHARS_PER_TOKEN),
    entriesShown: shown.length,
    entriesTotal: total,
    specConflicts: conflicts,
  };
}

/** A list's items, each cut past ITEM_BUDGET, up to LIST_BUDGET characters in all (at least one), then how many more. */
function bounded(items: readonly string[], more: (n: number) => string): string[] {
  const out: string[] = [];
  let used = 0;
  for (const item of items) {
    const cut = item.length > ITEM_BUDGET ? `${item.slice(0, ITEM_BUDGET)}…` : item;
    if (used + cut.length > LIST_BUDGET && out.length > 0) break;
    out.push(cut);
    used += cut.length;
  }
  if (out.length < items.length) out.push(more(items.length - out.length));
  return out;
}

const stamp = (at: string): string => `${at.slice(0, 16).replace('T', ' ')}Z`;

function traceLine(e: BriefEntry): string {
  const who = `${e.actor.kind} · ${e.actor.name}`;
  const head = `- ${stamp(e.at)} · ${ENTRY_LABELS[e.kind]} · ${who} · entry ${e.id}`;
  const body = e.redacted ? `[redacted by ${e.redacted.by.name}: ${e.redacted.reason}]` : entrySummary(e);
  if (!body) return head;
  const cut = body.length > ENTRY_BUDGET ? `${body.slice(0, ENTRY_BUDGET)}… [${body.length.toLocaleString('en')} characters in all]` : body;
  return `${head}\n  ${cut.replace(/\n/g, '\n  ')}`;
}

