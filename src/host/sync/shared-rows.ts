import type { BriefEntry } from '../../shared/briefs';

/** An entry as a row of the shared `entries` table, and back. */
export interface SharedRow {
  seq: number;
  id: string;
  brief_id: string;
  kind: string;
  actor_kind: string;
  actor_name: string;
  channel: string;
  at: string;
  hlc: string;
  payload: string | null;
  redacted: string | null;
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
export function rowToEntry(r: SharedRow): BriefEntry {
  return {
    id: r.id,
    briefId: r.brief_id,
    seq: 0,
    kind: r.kind,
    actor: { kind: r.actor_kind, name: r.actor_name },
    channel: r.channel,
    at: r.at,
    hlc: r.hlc,
    payload: r.payload === null ? null : JSON.parse(r.payload),
    redacted: r.redacted === null ? null : JSON.parse(r.redacted),
  } as BriefEntry;
}
