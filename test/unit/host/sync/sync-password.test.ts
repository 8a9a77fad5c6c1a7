import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSyncPassword } from '../../../../src/host/sync/sync-password';
import { writeSyncPassword } from '../../../../src/host/sync/sync-password-file';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'grove-sync-pw-'));
  dirs.push(d);
  return d;
};

describe('the sync password source', () => {
  it('takes GROVE_SYNC_PASSWORD first', () => {
    expect(readSyncPassword({ GROVE_SYNC_PASSWORD: 's3cret-value' }, dataDir())).toEqual({ kind: 'found', from: 'env', password: 's3cret-value' });
  });

  it('reads the data dir file when it is 0600, without its trailing newline', () => {
    const d = dataDir();
    writeFileSync(join(d, 'sync-password'), 'from-the-file\n', { mode: 0o600 });
    expect(readSyncPassword({}, d)).toEqual({ kind: 'found', from: 'file', password: 'from-the-file' });
  });

  it.skipIf(process.platform === 'win32')('refuses a file others can read, with the chmod to run, and never shows the password', () => {
    const d = dataDir();
    const file = join(d, 'sync-password');
    writeFileSync(file, 'leaky-password');
    chmodSync(file, 0o644);
    const got = readSyncPassword({}, d);
    expect(got.kind).toBe('unusable');
    expect(got.kind !== 'found' && got.message).toContain(`chmod 600 ${file}`);
    expect(JSON.stringify(got)).not.toContain('leaky-password');
  });

  it('a directory in the file\'s place, or a file the host may not read, is said as such, not thrown', () => {
    const d = dataDir();
    mkdirSync(join(d, 'sync-password'));
    const dir = readSyncPassword({}, d);
    expect(dir).toMatchObject({ kind: 'unusable', message: expect.stringContaining('is not a file') });
    // A link that points at itself (ELOOP): the stat fails with something other than "absent".
    const other = dataDir();
    symlinkSync(join(other, 'sync-password'), join(other, 'sync-password'));
    expect(readSyncPassword({}, other)).toMatchObject({ kind: 'unusable', message: expect.stringContaining('cannot be read (ELOOP)') });
  });

  it('an empty file is there but not to be used: said as its problem, not as a missing password', () => {
    const d = dataDir();
    writeFileSync(join(d, 'sync-password'), '\n', { mode: 0o600 });
    expect(readSyncPassword({}, d)).toEqual({ kind: 'unusable', message: `${join(d, 'sync-password')} is empty: write the shared MySQL's password into it.` });
  });

  it('says where to put a password when there is none', () => {
    const got = readSyncPassword({}, dataDir());
    expect(got.kind).toBe('none');
    expect(got.kind === 'none' && got.message).toMatch(/GROVE_SYNC_PASSWORD/);
  });
});

describe('writing the sync password (the settings page)', () => {
  it.skipIf(process.platform === 'win32')('writes a 0600 file readSyncPassword takes, replacing a looser one, leaving no temporary file', () => {
    const d = dataDir();
    const file = join(d, 'sync-password');
    writeFileSync(file, 'old-password');
    chmodSync(file, 0o644);
    const previous = process.umask(0o000);
    try {
      expect(writeSyncPassword(d, 'new password with spaces ')).toEqual({ ok: true, value: { file } });
    } finally {
      process.umask(previous);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readSyncPassword({}, d)).toEqual({ kind: 'found', from: 'file', password: 'new password with spaces ' });
    expect(readdirSync(d)).toEqual(['sync-password']);
  });

  it('says which file it could not write and why, never the password', () => {
    const d = join(dataDir(), 'gone');
    const r = writeSyncPassword(d, 'never-shown-secret');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'storage_failed', message: expect.stringContaining(`${join(d, 'sync-password')} (ENOENT)`) });
    expect(JSON.stringify(r)).not.toContain('never-shown-secret');
  });
});
