import { z } from 'zod';

/**
 * Sync with the team's shared MySQL (docs/sync.md): this host's briefs, replicated through
 * one MySQL (8.0+) or MariaDB (10.11+) database. The local SQLite store stays the one the UI
 * and agents use; the shared store being slow or down never blocks them.
 */

/** How the connection is secured: none (loopback or a trusted network), TLS required, or TLS with the server's certificate verified. */
export const SyncTls = z.enum(['off', 'require', 'verify']);
export type SyncTls = z.infer<typeof SyncTls>;

/**
 * - off: not configured
 * - connecting: configured, not reached yet
 * - idle: in step with the shared store
 * - syncing: pulling or pushing now
 * - offline: the shared store cannot be reached (it retries; local work goes on)
 * - refused: the shared store refuses (wrong password, schema newer than this Grove…); `lastError` says why
 */
export const SyncState = z.enum(['off', 'connecting', 'idle', 'syncing', 'offline', 'refused']);
export type SyncState = z.infer<typeof SyncState>;

export const SyncStatus = z
  .object({
    state: SyncState,
    /** `mysql://USER@HOST:PORT/DB`: never with a password. Null when off. */
    url: z.string().nullable(),
    tls: SyncTls.nullable(),
    /** Where the password comes from: the GROVE_SYNC_PASSWORD variable, the data dir's 0600 file, or nowhere yet. */
    passwordFrom: z.enum(['env', 'file', 'none']),
    /** With `none`: what is wrong, when it is more than "not given" (the file can be read by others, or not by the host, or is empty). */
    passwordProblem: z.string().nullable().optional(),
    lastPushAt: z.string().nullable(),
    lastPullAt: z.string().nullable(),
    /** Local entries not yet in the shared store, and shared rows still to rewrite. */
    waiting: z.number().int().nonnegative(),
    /**
     * Of those, entries a redaction changed (made here or pulled) whose shared row may still hold
     * the text it removed: turning sync off or pointing it elsewhere now would leave that text
     * there (`sync_redactions_waiting`). 0 until the store set is first reached (it holds nothing
     * of this host's yet).
     */
    redactedWaiting: z.number().int().nonnegative(),
    /** The last failure, in a sentence (secrets masked), with when; null once a round succeeds. */
    lastError: z.object({ message: z.string(), at: z.string() }).nullable(),
  })
  .strict();
export type SyncStatus = z.infer<typeof SyncStatus>;

/** A MySQL URL as `grove sync set` takes it: no password in it (it comes from the environment or a file). */
export const SyncUrl = z
  .string()
  .trim()
  .max(500)
  .regex(/^mysql:\/\/[^:@/\s]+@[^:/\s]+(:\d{1,5})?\/[A-Za-z0-9_$]+$/, 'give mysql://USER@HOST[:PORT]/DATABASE, without a password (set GROVE_SYNC_PASSWORD or the data dir\'s sync-password file)');

/**
 * Whether a URL as typed carries a password (`mysql://u:pw@host/db`, an empty one `u:@host`,
 * one without the scheme `u:pw@host/db`): what stands before the text's last `@` (after the
 * scheme's `://`) holds a colon. The last `@` of the whole text, not of the authority as a URL
 * parser reads it: a password may hold `/`, `?` or `#`, which would end the authority early and
 * hide it, and a database's name never holds an `@`. Looked at before any parsing, so a
 * malformed URL with a password is caught too; the CLI and the settings page both refuse such
 * a URL before it is sent, without repeating it.
 */
export function hasPasswordInUrl(text: string): boolean {
  const at = text.lastIndexOf('@');
  if (at < 0) return false;
  return text.slice(0, at).replace(/^\s*[A-Za-z][A-Za-z0-9+.-]*:\/\//, '').includes(':');
}

/**
 * The shared MySQL's password as the settings page hands it to the host (`sync.setPassword`),
 * which writes it to the data dir's 0600 sync-password file. One line: the file is read up
 * to its trailing newline. Never trimmed (spaces may be part of it), never echoed back.
 */
export const SyncPassword = z
  .string()
  .min(1, 'type the password')
  .max(1024, 'a password of at most 1024 characters')
  .regex(/^[^\r\n]*$/, 'a password on one line (no line breaks)');
