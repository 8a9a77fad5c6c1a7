import type { Alert } from '../../shared/alerts';

/**
 * The store's alerts: the newest first, one entry per seq, each acknowledged or not. Pure,
 * so the store's handling of `alert` and `alerts.acknowledged` (including events applied
 * again on top of a load's answer) is tested on its own.
 */

/** A new alert goes first; one already held (a load's answer had it) is not added twice. */
export function addAlert(list: readonly Alert[], alert: Alert, kept: number): Alert[] {
  if (list.some((a) => a.seq === alert.seq)) return list as Alert[];
  return [alert, ...list].sort((a, b) => b.seq - a.seq).slice(0, kept);
}

/** The listed alerts acknowledged at `at`; one acknowledged before keeps its first time. */
export function acknowledgeAlerts(list: readonly Alert[], seqs: readonly number[], at: string): Alert[] {
  const acked = new Set(seqs);
  if (!list.some((a) => acked.has(a.seq) && a.acknowledgedAt === null)) return list as Alert[];
  return list.map((a) => (acked.has(a.seq) && a.acknowledgedAt === null ? { ...a, acknowledgedAt: at } : a));
}

/** The alerts waiting for the operator: not acknowledged yet. */
export function unacknowledged(list: readonly Alert[]): Alert[] {
  return list.filter((a) => a.acknowledgedAt === null);
}

/** How many alerts still wait for the operator. */
export function unacknowledgedCount(list: readonly Alert[]): number {
  return unacknowledged(list).length;
}
