import { nounFor } from '../../shared/plural';
import type { Incident, IncidentCommit } from '../../shared/incidents';
import { formatDuration } from '../ui/time-format';

/** How an incident reads in the log: which probes, how long, how it came and went. */

/** "artisan failed", "artisan and http failed", "artisan, http and queue failed". */
export function describeProbes(incident: Incident): string {
  const names = incident.probes.map((p) => p.name);
  if (names.length === 0) return 'MAIN broke';
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  return `${list} failed`;
}

/** How long MAIN was (or has been, while open) broken. */
export function incidentDurationMs(incident: Incident, now: Date): number {
  const end = incident.closedAt === null ? now.getTime() : Date.parse(incident.closedAt);
  return Math.max(0, end - Date.parse(incident.openedAt));
}

/** The closed incident's one line: "artisan failed for 4 min; recovered: merge of lane fix (a1b2c3d)". */
export function summarizeClosed(incident: Incident): string {
  const duration = formatDuration(incidentDurationMs(incident, new Date(incident.closedAt ?? incident.openedAt)));
  const how = incident.recovery ? `; recovered: ${incident.recovery.how}` : '';
  return `${describeProbes(incident)} for ${duration}${how}`;
}

/** How a commit reached MAIN: "lane design (design), agents claude, codex", or that it bypassed Grove. */
export function describeVia(commit: IncidentCommit): { text: string; isOutsideGrove: boolean } {
  if (!commit.via) return { text: 'committed in MAIN, not through Grove', isOutsideGrove: true };
  const { laneName, branch, agents } = commit.via;
  const by = agents.length === 0 ? 'no agent was running there' : `${nounFor(agents.length, 'agent')} ${agents.join(', ')}`;
  return { text: `lane ${laneName} (${branch}), ${by}`, isOutsideGrove: false };
}
