import { join } from 'node:path';
import { hasPasswordInUrl, type SyncState, type SyncStatus } from '../shared/sync';
import { waitingWords } from '../shared/sync-words';
import { ago } from './commands/brief-format';
import { clock } from './health-lines';

/**
 * How sync with the shared MySQL reads in a terminal (`grove sync status`, and what `set`,
 * `now` and `off` answer): the state in a sentence, then one aligned line per fact, times
 * relative ("5m ago") with the local clock time beside them. Nothing here ever prints a
 * password: the host's status holds none, and a URL typed with one is refused before it
 * is sent (`hasPasswordInUrl`).
 */

/** The variable the host reads the password from; else `<data dir>/sync-password`. */
export const PASSWORD_VARIABLE = 'GROVE_SYNC_PASSWORD';
export const PASSWORD_FILE = 'sync-password';

export { hasPasswordInUrl };

/** The refusal for such a URL: says where the password goes instead, never repeats it. */
export function passwordInUrlMessage(dataDir: string): string {
  return (
    'The URL holds a password; Grove never takes one on the command line (it would stay in your shell history and process list). ' +
    `Give mysql://USER@HOST:PORT/DB, and the password to the host in ${PASSWORD_VARIABLE} or in ${join(dataDir, PASSWORD_FILE)} (chmod 600).`
  );
}

const STATE_SENTENCE: Record<SyncState, string> = {
  off: 'Sync is off: the briefs stay on this machine.',
  connecting: 'Sync is connecting: the shared store has not been reached yet.',
  idle: 'Sync is idle: in step with the shared store.',
  syncing: 'Sync is syncing: pulling or pushing now.',
  offline: 'Sync is offline: the shared store cannot be reached. Grove retries by itself; local work goes on.',
  refused: 'Sync is refused: the shared store refuses this host (the last error says why). Fix that, then: grove sync now',
};

/** "Sync is idle: in step with the shared store." */
export function stateSentence(state: SyncState): string {
  return STATE_SENTENCE[state];
}

/** Where the host finds the password, and what to do when it finds none. */
export function passwordSource(from: SyncStatus['passwordFrom'], dataDir: string): string {
  const file = join(dataDir, PASSWORD_FILE);
  if (from === 'env') return `${PASSWORD_VARIABLE} (the host's environment)`;
  if (from === 'file') return file;
  return `none found: set ${PASSWORD_VARIABLE} for the host, or write it to ${file} (chmod 600)`;
}

/** "5m ago (2026-12-03 14:05:09)", or "never". */
export function when(iso: string | null, now: number): string {
  return iso ? `${ago(iso, now)} (${clock(iso)})` : 'never';
}

/** The state's sentence, then the facts; off says how to turn it on. */
export function syncStatusLines(s: SyncStatus, dataDir: string, now = Date.now()): string[] {
  if (s.state === 'off') {
    return [stateSentence('off'), `Turn it on: grove sync set mysql://USER@HOST:PORT/DB [--tls require|verify], the password in ${PASSWORD_VARIABLE} or ${join(dataDir, PASSWORD_FILE)} (chmod 600).`];
  }
  const rows: [string, string][] = [
    ['url', s.url ?? '–'],
    ['tls', s.tls ?? '–'],
    ['password', s.passwordProblem ?? passwordSource(s.passwordFrom, dataDir)],
    ['last push', when(s.lastPushAt, now)],
    ['last pull', when(s.lastPullAt, now)],
    ['waiting', waitingWords(s)],
    ['last error', s.lastError ? `${s.lastError.message} (${ago(s.lastError.at, now)})` : 'none'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return [stateSentence(s.state), ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)];
}
