import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the shared MySQL's password comes from: GROVE_SYNC_PASSWORD, else the data dir's
 * `sync-password` file, which must be readable by its owner only (like an SSH key). Never from
 * grove.yaml or the settings table; Grove writes it only to that file, when the operator gives
 * it in the app's settings (sync-password-file.ts). Read again on every
 * connection attempt, so fixing the file or the variable needs no restart of sync.
 */
export type PasswordSource =
  | { kind: 'found'; from: 'env' | 'file'; password: string }
  | { kind: 'none'; message: string }
  /** There, but not to be used: readable by others, unreadable, not a file, empty. */
  | { kind: 'unusable'; message: string };

export const SYNC_PASSWORD_FILE = 'sync-password';

export function readSyncPassword(env: NodeJS.ProcessEnv, dataDir: string): PasswordSource {
  const fromEnv = env.GROVE_SYNC_PASSWORD;
  if (fromEnv !== undefined && fromEnv !== '') return { kind: 'found', from: 'env', password: fromEnv };
  const file = join(dataDir, SYNC_PASSWORD_FILE);
  let mode: number;
  try {
    const s = statSync(file);
    if (!s.isFile()) return { kind: 'unusable', message: `${file} is not a file (a directory?): remove it, and write the shared MySQL's password into a file there.` };
    mode = s.mode;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') return { kind: 'unusable', message: `${file} cannot be read (${code ?? String(e)}): make it a file the host's user owns, and run chmod 600 ${file}.` };
    return { kind: 'none', message: `No password for the shared MySQL: set GROVE_SYNC_PASSWORD in the host's environment, or write it to ${file} and run chmod 600 ${file}.` };
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    return { kind: 'unusable', message: `${file} can be read by other users (mode ${(mode & 0o777).toString(8)}); Grove will not use it until you run chmod 600 ${file}.` };
  }
  let password: string;
  try {
    password = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  } catch (e) {
    // Owned by another user (root, after a sudo), say: the file is there, the host may not read it.
    const code = (e as NodeJS.ErrnoException).code;
    return { kind: 'unusable', message: `${file} cannot be read by the host's user (${code ?? String(e)}): make it a file that user owns (chown), mode 600.` };
  }
  if (password === '') return { kind: 'unusable', message: `${file} is empty: write the shared MySQL's password into it.` };
  return { kind: 'found', from: 'file', password };
}
