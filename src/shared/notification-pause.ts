/**
 * Pausing notifications, as every client reads it. Apart from the schemas so the page can
 * ask without loading a validator.
 */

/** A day: a wait longer than that is not an escalation any more, it is a lane left for later. */
export const MAX_ESCALATE_AFTER_MINUTES = 24 * 60;

/** The short pause every client offers ("Pause for 1 hour"). */
export const PAUSE_FOR_AN_HOUR_MINUTES = 60;

/** A pause "until resumed" is stored as this date, so every reader compares one way. */
export const PAUSED_INDEFINITELY = '9999-12-31T23:59:59.999Z';

export function isPaused(settings: { pausedUntil: string | null }, now: Date): boolean {
  return settings.pausedUntil !== null && Date.parse(settings.pausedUntil) > now.getTime();
}
