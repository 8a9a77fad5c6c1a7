import { z } from 'zod';
import { MAX_ESCALATE_AFTER_MINUTES } from './notification-pause';

/**
 * What the host tells the operator out loud: native notifications in the app, Web
 * Notifications in a browser. Decided in src/host/notify from the host's own events, so
 * every client shows the same ones: one per incident, never per probe run; rate limited;
 * quiet (listed, not shown) while notifications are paused.
 */
export { isPaused, MAX_ESCALATE_AFTER_MINUTES, PAUSE_FOR_AN_HOUR_MINUTES, PAUSED_INDEFINITELY } from './notification-pause';

export const NotificationKind = z.enum([
  'main.broken',
  'main.recovered',
  'ops.fatal',
  'agent.waiting',
  /** The escalation: an agent has waited for the operator `escalateAfterMinutes`; once per wait. */
  'agent.still-waiting',
  'agent.exited',
  'agent.context',
  'merge.rolled-back',
  'repo.commands-changed',
]);
export type NotificationKind = z.infer<typeof NotificationKind>;

/** Where clicking the notification leads (see ui-route.ts). */
export const NotificationTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('repo'), repoId: z.string() }),
  z.object({ kind: z.literal('incident'), repoId: z.string(), incidentId: z.string() }),
  z.object({ kind: z.literal('lane'), repoId: z.string(), laneId: z.string() }),
  z.object({ kind: z.literal('agent'), agentId: z.string() }),
]);
export type NotificationTarget = z.infer<typeof NotificationTarget>;

export const Notification = z.object({
  id: z.string(),
  kind: NotificationKind,
  severity: z.enum(['critical', 'warning', 'info']),
  title: z.string(),
  body: z.string(),
  target: NotificationTarget,
  at: z.string(),
  /** Set when it is listed but not to be shown: notifications are paused, or the rate limit held it back. */
  quiet: z.enum(['paused', 'rate-limited']).nullable(),
  /**
   * The checkout it is about (a lane's path, or MAIN's for a repository), when there is one:
   * a client showing that workspace in a focused window pops nothing (notification-popup.ts).
   * Absent from notifications stored before it existed.
   */
  workspace: z.string().nullable().default(null),
  /** When the operator marked it read (in any client); null while unread. */
  readAt: z.string().nullable().default(null),
});
export type Notification = z.infer<typeof Notification>;

export const NotificationSettings = z.object({
  /** While set and in the future, notifications are quiet. Far in the future means "until resumed". */
  pausedUntil: z.string().nullable(),
  /**
   * After this many minutes of an agent waiting for the operator, the host tells it once
   * more (`agent.still-waiting`), once per wait; 0 turns the escalation off.
   */
  escalateAfterMinutes: z.number().min(0).max(MAX_ESCALATE_AFTER_MINUTES),
});
export type NotificationSettings = z.infer<typeof NotificationSettings>;

/** The escalation's delay unless the operator sets another. */
export const DEFAULT_ESCALATE_AFTER_MINUTES = 10;

