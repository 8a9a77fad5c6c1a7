import type { MainHealth } from '../shared/health';
import type { Incident, IncidentCommit, MainEdits } from '../shared/incidents';
import { formatDuration } from './format';

/**
 * How MAIN's health and incidents read in a terminal: shared by `grove health`,
 * `grove health watch` and `grove incidents`, so each says it the same way.
 */

/** "MAIN is broken (artisan: exit 255)"; names the failing (or last failed) probes. */
export function healthSummary(h: MainHealth): string {
  if (h.state === 'untrusted') return 'MAIN is not checked: its grove.yaml commands are not trusted (review and trust them: grove repo trust)';
  if (h.configProblems?.length) {
    const probes = h.probes.length ? `; its last valid probes say MAIN is ${h.state}` : '';
    return `config invalid (fix grove.yaml${probes}):\n${h.configProblems.map((p) => `  ${p}`).join('\n')}`;
  }
  if (h.probes.length === 0) return 'MAIN is unknown (no probes in grove.yaml: add health.probes)';
  const failed = h.probes.filter((p) => p.last && !p.last.ok);
  const why = failed.map((p) => `${p.name}: ${p.last!.detail}`).join('; ');
  return failed.length ? `MAIN is ${h.state} (${why})` : `MAIN is ${h.state}`;
}

/** What changed in a way a person watching cares about (not every run's timestamps). */
export function healthSignature(h: MainHealth): string {
  return JSON.stringify([h.state, h.configProblems ?? null, h.probes.map((p) => [p.name, p.state, p.last?.ok ?? null, p.last?.ok === false ? p.last.detail : null])]);
}

export function clock(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

function commitLine(c: IncidentCommit): string {
  const via = c.via ? `lane ${c.via.laneName} (${c.via.branch})${c.via.agents.length ? `, agents ${c.via.agents.join(', ')}` : ''}` : 'did not come through Grove';
  return `${c.sha.slice(0, 10)} ${c.subject} — ${via}`;
}

/** An incident as a few indented lines; `now` measures an open one. */
export function incidentLines(i: Incident, repoName: string, now: Date): string[] {
  const lines: string[] = [];
  const span = i.closedAt
    ? `${clock(i.openedAt)} → ${clock(i.closedAt)} (${formatDuration(Date.parse(i.closedAt) - Date.parse(i.openedAt))})`
    : `OPEN since ${clock(i.openedAt)} (${formatDuration(now.getTime() - Date.parse(i.openedAt))})`;
  lines.push(`${repoName}  ${span}  [${i.id}]`);
  for (const p of i.probes) {
    lines.push(`  ${p.name}: ${p.detail}`);
    const tail = p.outputTail.trimEnd().split('\n').filter(Boolean).slice(-3);
    for (const t of tail) lines.push(`    | ${t}`);
  }
  if (i.commits.length) {
    const since = i.lastHealthyAt ? `since it was last healthy (${clock(i.lastHealthyAt)}, ${i.lastHealthyHead?.slice(0, 10) ?? '?'})` : 'before it broke';
    lines.push(`  reached MAIN ${since}:`);
    for (const c of i.commits) lines.push(`    ${commitLine(c)}`);
  }
  if (i.editsAtOpen) lines.push(...editsLines('uncommitted edits in MAIN when it broke', i.editsAtOpen));
  if (i.recovery) lines.push(`  recovered: ${i.recovery.how}`);
  if (i.recovery?.edits) lines.push(...editsLines('uncommitted edits in MAIN when it recovered', i.recovery.edits));
  return lines;
}

/** "  uncommitted edits …:", a line per path with its +/- counts, then the diff's last lines. */
function editsLines(title: string, e: MainEdits): string[] {
  const count = (n: number | null, sign: string): string => (n === null ? `${sign}?` : `${sign}${n}`);
  const lines = [`  ${title}:`];
  for (const f of e.files) lines.push(`    ${count(f.added, '+')} ${count(f.removed, '-')}  ${f.path}${f.untracked ? ' (new)' : ''}`);
  if (e.more > 0) lines.push(`    … and ${e.more} more`);
  for (const t of e.diffTail.trimEnd().split('\n').slice(-EDITS_DIFF_LINES)) lines.push(`    | ${t}`);
  return lines;
}

const EDITS_DIFF_LINES = 12;
