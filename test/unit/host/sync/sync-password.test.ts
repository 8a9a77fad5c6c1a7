import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSyncPassword } from '../../../../src/host/sync/sync-password';

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
    expect(got.kind).toBe('unsafe');
    expect(got.kind !== 'found' && got.message).toContain(`chmod 600 ${file}`);
    expect(JSON.stringify(got)).not.toContain('leaky-password');
  });

  it('says where to put a password when there is none', () => {
    const got = readSyncPassword({}, dataDir());
    expect(got.kind).toBe('none');
    expect(got.kind === 'none' && got.message).toMatch(/GROVE_SYNC_PASSWORD/);
  });
});
