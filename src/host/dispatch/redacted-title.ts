import type { Dispatch } from '../../shared/dispatch';
import { ephemeralLaneName, isLaneNamedFrom } from '../../shared/ephemeral-lane-name';
import { REDACTED_TITLE } from '../../shared/brief-redaction';
import type { Db } from '../db/database';
import type { EventLog } from '../events/event-log';
import { rewriteEvents } from '../events/rewrite-events';
import type { DispatchStore } from './dispatch-store';

/**
 * A brief's title was redacted: the dispatch records of that brief copied it (the title as it
 * was when dispatched, and the name of the ephemeral lane made from it), so they lose it too,
 * in the redaction's transaction, and so do the `dispatch.updated` events a reconnecting client
 * replays. A lane already made keeps its name, and so does the record naming it: a branch and a
 * worktree an agent may be working in are not renamed (docs/briefs.md says what to do).
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
  return {
    ...d,
    briefTitle: hasTitle ? REDACTED_TITLE : d.briefTitle,
    laneName: hasLaneName ? ephemeralLaneName(d.briefNumber, REDACTED_TITLE) : d.laneName,
  };
}

export function maskRedactedTitle(deps: RedactedTitleDeps, briefId: string, title: string): Dispatch[] {
  const masked: Dispatch[] = [];
  for (const d of deps.store.list({ briefId, limit: Number.MAX_SAFE_INTEGER })) {
    const without = withoutTitle(d, title);
    if (without === d) continue;
    deps.store.save(without);
    rewriteEvents(deps.db, 'dispatch.updated', d.id, (ev) => (ev.type === 'dispatch.updated' && ev.dispatch.id === d.id ? { ...ev, dispatch: withoutTitle(ev.dispatch, title) } : ev));
    // Told after the old events are rewritten, so a live page shows it without the title too.
    deps.events.append({ type: 'dispatch.updated', dispatch: without });
    masked.push(without);
  }
  return masked;
}
