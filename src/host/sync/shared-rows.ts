import type { BriefEntry } from '../../shared/briefs';
import { rowToEntry, type EntryRow } from '../briefs/entry-row';

/** An entry as a row of the shared `entries` table: the local row's columns, and the host that pushed it. */
export interface SharedRow extends EntryRow {
  origin: string;
}

export const SHARED_COLUMNS = 'seq, id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload, redacted, origin';

export function rowValues(e: BriefEntry, seq: number, origin: string): unknown[] {
  return [
    seq,
    e.id,
    e.briefId,
    e.kind,
    e.actor.kind,
    e.actor.name,
    e.channel,
    e.at,
    e.hlc,
    e.payload === null ? null : JSON.stringify(e.payload),
    e.redacted === null ? null : JSON.stringify(e.redacted),
    origin,
  ];
}

/**
 * Read back as written: every row was an entry validated on a Grove's way in. The local seq
 * is the importer's to give; the shared seq only orders the pull.
 */
export function sharedRowToEntry(r: SharedRow): BriefEntry {
  return { ...rowToEntry(r), seq: 0 };
}
