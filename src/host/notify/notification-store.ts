import { DEFAULT_ESCALATE_AFTER_MINUTES, isPaused, MAX_ESCALATE_AFTER_MINUTES, Notification, type NotificationSettings } from '../../shared/notifications';
import type { Db } from '../db/database';
import { deleteSetting, readSetting, writeSetting } from '../db/settings';

/**
 * The notifications the host decided on (the latest NOTIFICATIONS_KEPT, in the order they
 * were made) and the pause, which must both survive a host restart: the list so a client
 * that was away can catch up, the incidents told so a restart never tells one twice, the
 * pause because the operator asked for quiet, not for quiet until the next restart.
 */
export const NOTIFICATIONS_KEPT = 500;
const PAUSED_UNTIL = 'notifications.pausedUntil';
const ESCALATE_AFTER = 'notifications.escalateAfterMinutes';

export interface NotificationStore {
  /** Stores one and, beyond NOTIFICATIONS_KEPT, drops the oldest read ones first, then unread quiet ones, then unread shown ones, critical ones (read or not) last; never the one it stores. */
  insert(n: Notification): void;
  /** Newest first. */
  list(limit: number): Notification[];
  /** Incidents whose opening (main.broken) and closing (main.recovered) were told. */
  toldIncidents(): { open: string[]; closed: string[] };
  pausedUntil(): string | null;
  setPausedUntil(until: string | null): void;
  escalateAfterMinutes(): number;
  setEscalateAfterMinutes(minutes: number): void;
  /**
   * Marks these (or, with null, every unread one) read at `at`; returns the ids it marked,
   * newest first. A named id not kept here (pruned, or never here) is returned too: a
   * client still holding it unread then sees it read, instead of a notice no one can mark
   * read.
   */
  markRead(ids: readonly string[] | null, at: string): string[];
}

export function createNotificationStore(db: Db, kept = NOTIFICATIONS_KEPT): NotificationStore {
  const insert = db.prepare('INSERT INTO notifications (id, at, payload) VALUES (?, ?, ?)');
  // Beyond `kept`, what goes first: those read (quiet before shown), then the unread quiet
  // ones (held back by the rate limit or a pause), then the unread shown ones, critical ones
  // last whether read or not, each oldest first (rowid is the insertion order; `at` can tie
  // within a millisecond). A flood of held-back notices never pushes out a crash notice or
  // MAIN breaking (which also records that an incident was told: toldIncidents), and an
  // unread notice outlives every read one that is not critical. Never the one just stored:
  // every client was told of it, and a quiet one made when the rest are all shown would
  // otherwise go at once.
  const prune = db.prepare(`
    DELETE FROM notifications WHERE rowid IN (
      SELECT rowid FROM notifications WHERE rowid <> ?
      ORDER BY CASE
          WHEN json_extract(payload, '$.severity') = 'critical' THEN 4
          WHEN json_extract(payload, '$.readAt') IS NOT NULL THEN (json_extract(payload, '$.quiet') IS NULL)
          WHEN json_extract(payload, '$.quiet') IS NOT NULL THEN 2
          ELSE 3
        END, rowid
      LIMIT max(0, (SELECT count(*) FROM notifications) - ?)
    )`);
  const latest = db.prepare('SELECT payload FROM notifications ORDER BY rowid DESC LIMIT ?');
  const aboutIncidents = db.prepare(
    "SELECT payload FROM notifications WHERE json_extract(payload, '$.kind') IN ('main.broken', 'main.recovered')",
  );
  // The read state lives in the payload, like the rest of a notification: no column, no migration.
  const markOne = db.prepare("UPDATE notifications SET payload = json_set(payload, '$.readAt', ?) WHERE id = ? AND json_extract(payload, '$.readAt') IS NULL");
  const isKept = db.prepare('SELECT 1 FROM notifications WHERE id = ?');
  const markAll = db.prepare(
    "UPDATE notifications SET payload = json_set(payload, '$.readAt', ?) WHERE json_extract(payload, '$.readAt') IS NULL RETURNING id, rowid",
  );
  const parse = (row: unknown): Notification => Notification.parse(JSON.parse((row as { payload: string }).payload));
  return {
    insert: (n) =>
      db.transaction(() => {
        const stored = insert.run(n.id, n.at, JSON.stringify(n)).lastInsertRowid;
        prune.run(stored, kept);
      })(),
    list: (limit) => latest.all(limit).map(parse),
    toldIncidents: () => {
      const open: string[] = [];
      const closed: string[] = [];
      for (const n of aboutIncidents.all().map(parse)) {
        if (n.target.kind !== 'incident') continue;
        (n.kind === 'main.broken' ? open : closed).push(n.target.incidentId);
      }
      return { open, closed };
    },
    pausedUntil: () => readSetting(db, PAUSED_UNTIL) ?? null,
    setPausedUntil: (until) => (until === null ? deleteSetting(db, PAUSED_UNTIL) : writeSetting(db, PAUSED_UNTIL, until)),
    escalateAfterMinutes: () => {
      const stored = Number(readSetting(db, ESCALATE_AFTER) ?? Number.NaN);
      return Number.isFinite(stored) && stored >= 0 && stored <= MAX_ESCALATE_AFTER_MINUTES ? stored : DEFAULT_ESCALATE_AFTER_MINUTES;
    },
    setEscalateAfterMinutes: (minutes) => writeSetting(db, ESCALATE_AFTER, String(minutes)),
    markRead: (ids, at) =>
      db.transaction(() => {
        if (ids === null) {
          const rows = markAll.all(at) as { id: string; rowid: number }[];
          return rows.sort((a, b) => b.rowid - a.rowid).map((r) => r.id);
        }
        return [...new Set(ids)].filter((id) => markOne.run(at, id).changes > 0 || isKept.get(id) === undefined);
      })(),
  };
}

/** Settings as clients see them: a pause that is over reads as no pause. */
export function currentSettings(pausedUntil: string | null, escalateAfterMinutes: number, now: Date): NotificationSettings {
  return { pausedUntil: isPaused({ pausedUntil }, now) ? pausedUntil : null, escalateAfterMinutes };
}
