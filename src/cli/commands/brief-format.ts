import { entrySummary } from '../../shared/brief-entry-text';
import { ENTRY_LABELS } from '../../shared/brief-constants';
import type { Actor, Brief, BriefEntry, BriefSummary } from '../../shared/briefs';

/**
 * How briefs read in a terminal: statuses as words, times relative to now, actors as the
 * trace names them ("operator · mike"), columns aligned. Shared by the `grove brief` verbs
 * so a brief reads the same in `list`, `show` and a verb's confirmation.
 */

/** "in_progress" → "in progress". */
export function statusWord(status: string): string {
  return status.replace(/_/g, ' ');
}

/** "just now", "5m ago", "3h ago", "2d ago"; past a month, the date. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  if (s < 30 * 86_400) return `${Math.round(s / 86_400)}d ago`;
  return iso.slice(0, 10);
}

/** "operator · mike", "agent · flower-orchestrator", "system · grove" (the operator's name may already read "operator:mike"). */
export function actorName(a: Actor): string {
  return `${a.kind} · ${a.name}`;
}

/** Rows of cells as aligned columns (the last column is not padded), each line indented. */
export function columns(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => indent + r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

export function projectsText(b: Pick<Brief, 'projects'>): string {
  return b.projects.map((p) => p.name).join(', ') || '(no project)';
}

/** One line per brief, as `grove brief list` prints them. */
/** What a provisional number's `~` means (docs/sync.md, Brief numbers). */
export const PROVISIONAL_NOTE = '~ provisional: the shared store numbers it at its first push';

/** `#12`, or `#12~` while the shared store has not numbered the brief yet (sync on). */
export function numberText(b: Pick<BriefSummary, 'number' | 'numberProvisional'>): string {
  return `#${b.number}${b.numberProvisional ? '~' : ''}`;
}

export function briefRows(briefs: readonly BriefSummary[], now = Date.now()): string[] {
  const rows = columns(briefs.map((b) => [numberText(b), statusWord(b.status), b.kind, projectsText(b), b.title, ago(b.updatedAt, now)]));
  return briefs.some((b) => b.numberProvisional) ? [...rows, '', PROVISIONAL_NOTE] : rows;
}

/** Text indented under a heading, every line. */
export function indented(text: string, by = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** An entry's line in the trace: when, what, who (and how), its id (what redact and accept take). */
export function entryHead(e: BriefEntry, now = Date.now()): string[] {
  return [ago(e.at, now), ENTRY_LABELS[e.kind], `${actorName(e.actor)} (${e.channel})`, e.id];
}

/** An entry's content below its line: its text, or who redacted it and why. */
export function entryBody(e: BriefEntry, now = Date.now()): string {
  if (e.redacted) return `[redacted by ${e.redacted.by.name} ${ago(e.redacted.at, now)}: ${e.redacted.reason}]`;
  if (e.kind === 'created' && e.payload) return `“${e.payload.title}” (${e.payload.kind}, ${statusWord(e.payload.status)}, #${e.payload.number})`;
  return entrySummary(e);
}

/** "1 entry", "17 entries". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
