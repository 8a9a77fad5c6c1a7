import type { BriefEntry } from '../../shared/briefs';
import type { Db } from '../db/database';
import { rewriteEvents } from '../events/rewrite-events';
import type { BriefStore } from './brief-store';
import { project } from './projection';

/**
 * After a redaction, the `brief.changed` events already stored read as the trace now does:
 * each entry they carried is replaced by its current version, and when a title was redacted
 * every summary of that brief shows the title as it is now. Clients that replay the event
 * log after this never see the redacted text.
 */
export function scrubBriefEvents(db: Db, store: BriefStore, changed: readonly BriefEntry[]): void {
  const byId = new Map(changed.map((e) => [e.id, e]));
  const swap = (list: BriefEntry[]): BriefEntry[] => list.map((e) => byId.get(e.id) ?? e);
  for (const e of changed) {
    rewriteEvents(db, 'brief.changed', e.id, (ev) => (ev.type === 'brief.changed' ? { ...ev, entries: swap(ev.entries), replaced: swap(ev.replaced) } : ev));
  }
  for (const briefId of new Set(changed.filter((e) => e.kind === 'created' || e.kind === 'details_changed').map((e) => e.briefId))) {
    // Folded from the trace as it now reads (the stored state is saved after this runs).
    const title = project(store.trace(briefId)).title;
    rewriteEvents(db, 'brief.changed', briefId, (ev) => (ev.type === 'brief.changed' && ev.brief.id === briefId ? { ...ev, brief: { ...ev.brief, title } } : ev));
  }
}
