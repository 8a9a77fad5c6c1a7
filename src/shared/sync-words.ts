import { count, nounFor } from './plural';
import type { SyncStatus } from './sync';

/**
 * Sync's sentences that the host, the CLI and the page share; apart from the schemas so the
 * top bar's chip can say them without loading a validator.
 */

/**
 * What leaving a store (sync off, or pointed elsewhere) may leave in it: `n` redacted entries
 * (redacted here or pulled redacted) whose rows there are not yet rewritten, so may still hold
 * the text the redaction removed. The host's refusal and the settings' confirmation say it so.
 */
export function redactionsLeftSentence(n: number, url: string): string {
  return `${n.toLocaleString('en')} redacted ${nounFor(n, 'entry')} ${nounFor(n, 'is')} not yet rewritten in ${url}: the text the redaction removed may still be there, for every Grove syncing with it.`;
}

/**
 * The status's queue in words, as the CLI and the Sync section say it: entries to push, and
 * apart from them the redacted entries whose shared rows are still to be rewritten.
 */
export function waitingWords(s: Pick<SyncStatus, 'waiting' | 'redactedWaiting'>): string {
  const n = s.redactedWaiting;
  const toPush = entriesToPush(s);
  const parts = toPush > 0 || n === 0 ? [`${count(toPush, 'entry')} not yet in the shared store`] : [];
  if (n > 0) parts.push(`${n.toLocaleString('en')} redacted ${nounFor(n, 'entry')} not yet rewritten there`);
  return parts.join('; ');
}

/** Of what waits, the entries still to push (not the rows to rewrite for a redaction). */
export function entriesToPush(s: Pick<SyncStatus, 'waiting' | 'redactedWaiting'>): number {
  return s.waiting - s.redactedWaiting;
}
