import type { SyncState, SyncStatus } from '../../shared/sync';
import { count } from '../../shared/plural';

/**
 * What the top bar's sync indicator shows for the host's sync status: nothing while sync is
 * off (most operators never turn it on), else a short label coloured by what it asks of the
 * operator. Red only when the shared store refuses this host (it will not heal by itself);
 * offline is amber (Grove retries, local work goes on); in step and syncing are calm.
 */
export type SyncTone = 'ok' | 'pending' | 'warn' | 'bad';

export interface SyncIndicator {
  state: Exclude<SyncState, 'off'>;
  /** The chip's text: "Synced", "Sync offline". */
  label: string;
  tone: SyncTone;
  /** The chip's accessible name and tooltip: the state, what waits, the last error. */
  name: string;
  /** What the state means, in a sentence, for the popover. */
  summary: string;
}

const SHOWN: Record<Exclude<SyncState, 'off'>, { label: string; tone: SyncTone; summary: string }> = {
  connecting: { label: 'Sync connecting', tone: 'pending', summary: 'The shared store has not been reached yet.' },
  idle: { label: 'Synced', tone: 'ok', summary: 'In step with the shared store.' },
  syncing: { label: 'Syncing', tone: 'ok', summary: 'Pulling or pushing now.' },
  offline: { label: 'Sync offline', tone: 'warn', summary: 'The shared store cannot be reached. Grove retries by itself; local work goes on.' },
  refused: { label: 'Sync refused', tone: 'bad', summary: 'The shared store refuses this host; the last error says why. Fix that, then sync again.' },
};

/**
 * Refused for want of a usable password: every round stops there, before reaching the store,
 * so the last error only repeats it. What to do is said once, where the password is asked for
 * (the popover's hint, the settings' help), and the error is not listed again.
 */
export function wantsPassword(status: SyncStatus): boolean {
  return status.state === 'refused' && status.passwordFrom === 'none';
}

const NO_PASSWORD = 'Grove has no usable password for the shared store, so it has not connected.';

export function syncIndicator(status: SyncStatus | null): SyncIndicator | null {
  if (!status || status.state === 'off') return null;
  const shown = SHOWN[status.state];
  const noPassword = wantsPassword(status);
  const parts = [`Sync: ${shown.label === 'Synced' ? 'in step' : noPassword ? 'refused, no usable password' : status.state}`];
  if (status.waiting > 0) parts.push(`${count(status.waiting, 'entry')} waiting`);
  const name = parts.join(', ') + (status.lastError && !noPassword ? `; last error: ${status.lastError.message}` : '');
  return { state: status.state, label: shown.label, tone: shown.tone, name, summary: noPassword ? NO_PASSWORD : shown.summary };
}
