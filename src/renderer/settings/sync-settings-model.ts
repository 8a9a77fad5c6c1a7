import { hasPasswordInUrl, SyncUrl, type SyncState, type SyncStatus, type SyncTls } from '../../shared/sync';
import { redactionsLeftSentence } from '../../shared/sync-words';
import { syncIndicator, wantsPassword, type SyncTone } from '../sync/sync-indicator-model';

/**
 * What the settings page's Sync section decides without a DOM: how a typed URL is checked
 * before it is sent (the host checks it again with the same schema), what the state says in
 * words, where the password comes from and what to do when there is none, and what saving a
 * form would change (a new store means its whole history is pushed there).
 */

export const PASSWORD_VARIABLE = 'GROVE_SYNC_PASSWORD';
export const PASSWORD_FILE = 'sync-password';

export type UrlCheck = { ok: true; url: string } | { ok: false; message: string };

/**
 * The URL as `sync.set` takes it, or why not in a sentence. A password in it is named first
 * and never quoted back; a scheme other than mysql:// is named (it is not secret).
 */
export function checkSyncUrl(text: string): UrlCheck {
  const typed = text.trim();
  if (typed === '') return { ok: false, message: 'Give the shared store’s URL: mysql://USER@HOST:PORT/DATABASE.' };
  if (hasPasswordInUrl(typed)) {
    return { ok: false, message: 'The URL holds a password: Grove never keeps one in the URL. Give mysql://USER@HOST:PORT/DATABASE, and the password in its own field below.' };
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(typed)?.[1];
  if (scheme === undefined) return { ok: false, message: 'Start the URL with mysql:// (mysql://USER@HOST:PORT/DATABASE).' };
  if (scheme.toLowerCase() !== 'mysql') return { ok: false, message: `Sync speaks to MySQL 8.0+ or MariaDB 10.11+ only: give a mysql:// URL, not ${scheme}://.` };
  const parsed = SyncUrl.safeParse(typed);
  if (!parsed.success) return { ok: false, message: `Not a URL sync takes: ${parsed.error.issues[0]?.message ?? 'give mysql://USER@HOST:PORT/DATABASE'}.` };
  return { ok: true, url: parsed.data };
}

export interface StateWords {
  state: SyncState;
  /** One or two words: "Off", "Synced", "Sync offline". */
  label: string;
  tone: SyncTone | 'off';
  /** What it means, in a sentence: what waits, why, what happens next. */
  sentence: string;
}

/** The state as the section's headline says it; the same words as the top bar's chip. */
export function stateWords(status: SyncStatus): StateWords {
  const shown = syncIndicator(status);
  if (!shown) return { state: 'off', label: 'Sync is off', tone: 'off', sentence: 'Briefs stay on this machine. Point Grove at the team’s shared MySQL below to share them with other Groves.' };
  const waiting = status.waiting > 0 && (status.state === 'offline' || status.state === 'refused') ? ` ${status.waiting === 1 ? '1 entry waits' : `${status.waiting.toLocaleString('en')} entries wait`} to be pushed.` : '';
  const summary = wantsPassword(status) ? 'Grove has no usable password for the shared store, so it has not connected: give it below.' : shown.summary;
  return { state: shown.state, label: shown.label, tone: shown.tone, sentence: summary + waiting };
}

/** Quotes a path for a POSIX shell when it needs it (a space, a quote…). */
export function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

export interface PasswordAdvice {
  /** Where it comes from, in words. */
  from: string;
  /**
   * When none is found: the command that writes the file. It reads the password from the
   * terminal without echoing it, so it lands in no shell history, and creates the file
   * readable by its owner only.
   */
  command: string | null;
}

/** Where the host finds the password (the status says env, file or none) and, when nowhere, how to give it. */
export function passwordAdvice(from: SyncStatus['passwordFrom'], dataDir: string | null): PasswordAdvice {
  const file = dataDir ? `${dataDir.replace(/\/+$/, '')}/${PASSWORD_FILE}` : `<data dir>/${PASSWORD_FILE}`;
  if (from === 'env') return { from: `${PASSWORD_VARIABLE}, in the host’s environment (it wins over the file)`, command: null };
  if (from === 'file') return { from: `${file}, readable by you only`, command: null };
  const quoted = shellQuote(file);
  return {
    from: 'None found',
    command: `(umask 077; IFS= read -rs p && printf '%s\\n' "$p" > ${quoted} && chmod 600 ${quoted})`,
  };
}

/**
 * What leaving the store now (off, or another store) would leave there: the text of entries
 * redacted (here or pulled) whose rows it has not rewritten yet. Null when nothing is. The host refuses
 * to leave then unless forced (`sync_redactions_waiting`); the dialog says it, then forces.
 */
export function redactionsLeftBehind(status: SyncStatus): string | null {
  const n = status.redactedWaiting;
  if (n === 0 || status.url === null) return null;
  return `${redactionsLeftSentence(n, status.url)} Sync now and wait for ${n === 1 ? 'it' : 'them'} to be rewritten, or go ahead and leave that text there.`;
}

/**
 * What saving the store's form changes: nothing; the first URL (sync turns on and pushes this
 * host's history); only the TLS mode; or a different store (its whole history is pushed
 * there, so the operator confirms first).
 */
export type StoreChange = 'none' | 'turn-on' | 'tls' | 'new-store';

export function storeChange(status: SyncStatus, url: string, tls: SyncTls): StoreChange {
  if (status.state === 'off' || status.url === null) return 'turn-on';
  if (status.url !== url) return 'new-store';
  return status.tls === tls ? 'none' : 'tls';
}

export const TLS_CHOICES: { value: SyncTls; label: string; hint: string }[] = [
  { value: 'off', label: 'Off', hint: 'unencrypted: a loopback or a trusted network' },
  { value: 'require', label: 'Require', hint: 'encrypted; the server’s certificate not checked' },
  { value: 'verify', label: 'Verify', hint: 'encrypted; the certificate checked against the system’s CAs' },
];
