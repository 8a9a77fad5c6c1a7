import type { Dispatch } from '../../shared/dispatch';
import { ephemeralLaneName, isLaneNamedFrom } from '../../shared/ephemeral-lane-name';
import { REDACTED_TITLE } from '../../shared/brief-redaction';
import type { HostEvent } from '../../shared/events';
import type { Db } from '../db/database';
import type { EventLog } from '../events/event-log';
import { rewriteEvents } from '../events/rewrite-events';
import type { DispatchStore } from './dispatch-store';

/**
 * A brief's title was redacted: the dispatch records of that brief copied it (the title as it
 * was when dispatched, and the name of the ephemeral lane made from it), so they lose it too,
 * in the redaction's transaction, and so do the `dispatch.updated` events a reconnecting client
 * replays. A lane that could not be made is named in its dispatch's reason and in the events
 * of the job that tried to make it: both read the masked name. A lane already made keeps its
 * name, and so does the record naming it: a branch and a worktree an agent may be working in
 * are not renamed (docs/briefs.md says what to do).
 */
export interface RedactedTitleDeps {
  db: Db;
  store: DispatchStore;
  events: EventLog;
}

/** The record without the redacted title; the same object when it holds none of it. */
export function withoutTitle(d: Dispatch, title: string): Dispatch {
  const hasTitle = d.briefTitle === title;
  // A lane still to be made will be named from the title as it now reads.
  const hasLaneName = d.laneId === null && d.laneName !== null && isLaneNamedFrom(d.laneName, title);
  if (!hasTitle && !hasLaneName) return d;
  const laneName = hasLaneName ? ephemeralLaneName(d.briefNumber, REDACTED_TITLE) : d.laneName;
  return {
    ...d,
    briefTitle: hasTitle ? REDACTED_TITLE : d.briefTitle,
    laneName,
    // Why it failed may name that lane (its folder, its branch): a lane that could not be made.
    reason: hasLaneName && d.reason ? d.reason.replaceAll(d.laneName!, laneName!) : d.reason,
  };
}

export function maskRedactedTitle(deps: RedactedTitleDeps, briefId: string, title: string): Dispatch[] {
  const masked: Dispatch[] = [];
  for (const d of deps.store.list({ briefId, limit: Number.MAX_SAFE_INTEGER })) {
    const without = withoutTitle(d, title);
    if (without === d) continue;
    deps.store.save(without);
    rewriteEvents(deps.db, 'dispatch.updated', d.id, (ev) => (ev.type === 'dispatch.updated' && ev.dispatch.id === d.id ? { ...ev, dispatch: withoutTitle(ev.dispatch, title) } : ev));
    if (d.laneName !== null && without.laneName !== null && without.laneName !== d.laneName) renameInLaneJobs(deps.db, d.laneName, without.laneName);
    // Told after the old events are rewritten, so a live page shows it without the title too.
    deps.events.append({ type: 'dispatch.updated', dispatch: without });
    masked.push(without);
  }
  return masked;
}

/**
 * The lane.create jobs that tried to make a lane not made, named `name` (or `name-2` after a
 * name taken): their title, steps, output and outcome name it, and read `masked` instead. A
 * job that made its lane is left alone (a lane made keeps its name, and its jobs with it),
 * as is any other job whose text merely contains the name.
 */
export function renameInLaneJobs(db: Db, name: string, masked: string): void {
  const exactly = (n: string) => new RegExp(`^${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(-\\d+)?$`);
  const named = [exactly(name), exactly(masked)];
  // Its start may read the masked name already: a job still running when the title was
  // redacted, whose later events (its steps, its end) are masked now.
  const started = db.prepare("SELECT payload FROM events WHERE type = 'job.started' AND (instr(payload, ?) > 0 OR instr(payload, ?) > 0)").all(name, masked) as { payload: string }[];
  const madeIt = db.prepare("SELECT 1 FROM events WHERE type = 'job.finished' AND instr(payload, ?) > 0 AND json_extract(payload, '$.ok') = 1 LIMIT 1");
  const jobs = started
    .map((r) => JSON.parse(r.payload) as HostEvent)
    .flatMap((ev) => (ev.type === 'job.started' && ev.job.kind === 'lane.create' && named.some((n) => n.test(ev.job.laneName)) ? [ev.job.id] : []))
    .filter((id) => madeIt.get(JSON.stringify(id)) === undefined);
  // A lane name is letters, digits and dashes: it reads the same inside the event's JSON.
  const rename = (ev: HostEvent): HostEvent => JSON.parse(JSON.stringify(ev).replaceAll(name, masked)) as HostEvent;
  for (const id of jobs) for (const type of LANE_JOB_EVENTS) rewriteEvents(db, type, JSON.stringify(id), rename);
}

const LANE_JOB_EVENTS = ['job.started', 'job.step', 'job.output', 'job.finished'] as const satisfies readonly HostEvent['type'][];
