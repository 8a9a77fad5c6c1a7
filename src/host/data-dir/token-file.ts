import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * The API token lives in a 0600 file in the data dir. It is made once and kept across host
 * restarts, so a browser tab or a shell that attached before a restart is still let in.
 */
export function loadOrCreateToken(tokenPath: string): string {
  try {
    const existing = readFileSync(tokenPath, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) {
      chmodSync(tokenPath, 0o600);
      return existing;
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(tokenPath, token + '\n', { mode: 0o600 });
  chmodSync(tokenPath, 0o600); // the umask may have narrowed nothing, but be explicit
  return token;
}
