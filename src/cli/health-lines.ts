import type { MainHealth } from '../shared/health';
import type { Incident, IncidentCommit } from '../shared/incidents';
import { formatDuration } from './format';

/**
 * How MAIN's health and incidents read in a terminal: shared by `grove health`,
 * `grove health watch` and `grove incidents`, so each says it the same way.
 */

/** "MAIN is broken (artisan: exit 255)"; names the failing (or last failed) probes. */
export function healthSummary(h: MainHealth): string {
  if (h.state === 'untrusted') return 'MAIN is not checked: its grove.yaml commands are not trusted (review and trust them: grove repo trust)';
  if (h.probes.length === 0) return 'MAIN is unknown (no probes in grove.yaml: add health.probes)';
  const failed = h.probes.filter((p) => p.last && !p.last.ok);
  const why = failed.map((p) => `${p.name}: ${p.last!.detail}`).join('; ');
  return failed.length ? `MAIN is ${h.state} (${why})` : `MAIN is ${h.state}`;
}

/** What changed in a way a person watching cares about (not every run's timestamps). */
export function healthSignature(h: MainHealth): string {
  return JSON.stringify([h.state, h.probes.map((p) => [p.name, p.state, p.last?.ok ?? null, p.last?.ok === false ? p.last.detail : null])]);
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
  if (i.recovery) lines.push(`  recovered: ${i.recovery.how}`);
  return lines;
}
