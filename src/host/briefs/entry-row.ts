import type { BriefEntry } from '../../shared/briefs';

/** An entry as a row (the local `brief_entries`, and the shared store's `entries` too), and back. */
export interface EntryRow {
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
}

export function rowToEntry(r: EntryRow): BriefEntry {
  // Read as written, not validated again: every row comes from an entry validated on its way
  // in (the API's single entry point, an import's schema) and only this store writes them.
  // Reading is the hot path (a page of 50 on every open), and a schema pass per row tripled it.
  return {
    id: r.id,
    briefId: r.brief_id,
    seq: r.seq,
    kind: r.kind,
    actor: { kind: r.actor_kind, name: r.actor_name },
    channel: r.channel,
    at: r.at,
    hlc: r.hlc,
    payload: r.payload === null ? null : JSON.parse(r.payload),
    redacted: r.redacted === null ? null : JSON.parse(r.redacted),
  } as BriefEntry;
}
