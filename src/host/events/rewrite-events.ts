import type { Db } from '../db/database';
import type { HostEvent } from '../../shared/events';

/**
 * Rewrites stored events of one type that mention `needle`: a redaction must not leave its
 * text in the event log, which a reconnecting client replays. `edit` returns the event as it
 * should now read. Rare (a redaction), so a scan of the retained events is fine.
 */
export function rewriteEvents(db: Db, type: HostEvent['type'], needle: string, edit: (event: HostEvent) => HostEvent): number {
  const rows = db.prepare("SELECT seq, payload FROM events WHERE type = ? AND instr(payload, ?) > 0").all(type, needle) as { seq: number; payload: string }[];
  const update = db.prepare('UPDATE events SET payload = ? WHERE seq = ?');
  for (const r of rows) update.run(JSON.stringify(edit(JSON.parse(r.payload) as HostEvent)), r.seq);
  return rows.length;
}
