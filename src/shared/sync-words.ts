import { count, nounFor } from './plural';
import type { SyncStatus } from './sync';

/**
 * Sync's sentences that the host, the CLI and the page share; apart from the schemas so the
 * top bar's chip can say them without loading a validator.
 */

/**
 * What leaving a store (sync off, or pointed elsewhere) would leave in it: `n` entries redacted
 * here whose rows there still hold the text the redaction removed. The host's refusal and the
 * settings' confirmation both say it this way.
 */
export function redactionsLeftSentence(n: number, url: string): string {
  return `${count(n, 'entry')} redacted here ${nounFor(n, 'is')} not yet rewritten in ${url}: the text the redaction removed is still there, for every Grove syncing with it.`;
}

/** The status's queue in words, as the CLI and the Sync section say it (and of it, what a redaction still has to rewrite). */
export function waitingWords(s: Pick<SyncStatus, 'waiting' | 'redactedWaiting'>): string {
  const n = s.redactedWaiting;
  const redacted = n > 0 ? `; ${count(n, 'entry')} redacted here still ${n === 1 ? 'holds its' : 'hold their'} text there` : '';
  return `${count(s.waiting, 'entry')} not yet in the shared store${redacted}`;
}
