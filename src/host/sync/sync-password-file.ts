import { chmodSync, closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { apiError, type ApiError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { SYNC_PASSWORD_FILE } from './sync-password';

/**
 * Writes the shared MySQL's password where readSyncPassword looks for it: the data dir's
 * `sync-password`, readable by its owner only. Written to a fresh temporary file created 0600
 * (never a moment readable by others, whatever the umask), fsynced, then renamed over the old
 * one: a crash leaves the old password or the new one, never half of one. The password is in
 * no message: an error names the file and the system's reason only.
 */
export function writeSyncPassword(dataDir: string, password: string): Result<{ file: string }, ApiError> {
  const file = join(dataDir, SYNC_PASSWORD_FILE);
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, `${password}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The mode given to open is reduced by the umask; this makes it exactly 0600.
    chmodSync(temp, 0o600);
    renameSync(temp, file);
    return ok({ file });
  } catch (e) {
    rmSync(temp, { force: true });
    const reason = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : 'an I/O error';
    return err(apiError('storage_failed', `Could not write the sync password to ${file} (${reason}): check that the data dir is writable by the host's user, or set GROVE_SYNC_PASSWORD for the host instead.`, { file }));
  }
}
