import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../src/shared/sync';
import { checkSyncUrl, passwordAdvice, shellQuote, stateWords, storeChange } from '../../../../src/renderer/settings/sync-settings-model';

const status = (s: Partial<SyncStatus>): SyncStatus => ({
  state: 'idle',
  url: 'mysql://grove@db.example:3306/grove',
  tls: 'require',
  passwordFrom: 'file',
  lastPushAt: null,
  lastPullAt: null,
  waiting: 0,
  redactedWaiting: 0,
  lastError: null,
  ...s,
});

describe('checkSyncUrl', () => {
  it('takes mysql://USER@HOST[:PORT]/DB, trimmed', () => {
    expect(checkSyncUrl('  mysql://grove@db.example.com:3306/grove ')).toEqual({ ok: true, url: 'mysql://grove@db.example.com:3306/grove' });
    expect(checkSyncUrl('mysql://grove@127.0.0.1/grove_team')).toEqual({ ok: true, url: 'mysql://grove@127.0.0.1/grove_team' });
  });

  it('refuses a password in the URL first, without quoting it back', () => {
    for (const typed of ['mysql://grove:hunter2-secret@db/grove', 'postgres://u:hunter2-secret@db/x', 'mysql://grove:hunter2-secret@db']) {
      const r = checkSyncUrl(typed);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/^The URL holds a password/);
      expect(JSON.stringify(r)).not.toContain('hunter2-secret');
    }
  });

  it('names a wrong scheme, a missing one, an empty field, and a malformed URL', () => {
    const message = (t: string): string => {
      const r = checkSyncUrl(t);
      return r.ok ? 'ok' : r.message;
    };
    expect(message('postgres://grove@db/grove')).toBe('Sync speaks to MySQL 8.0+ or MariaDB 10.11+ only: give a mysql:// URL, not postgres://.');
    expect(message('grove@db/grove')).toMatch(/^Start the URL with mysql:\/\//);
    expect(message('   ')).toMatch(/^Give the shared store’s URL/);
    expect(message('mysql://db.example/grove')).toMatch(/^Not a URL sync takes: give mysql:\/\/USER@HOST\[:PORT\]\/DATABASE/);
    expect(message('mysql://grove@db.example:3306/')).toMatch(/^Not a URL sync takes/);
  });
});

describe('stateWords', () => {
  it('says each state in words, the chip’s label and a sentence', () => {
    const seen = (['off', 'connecting', 'idle', 'syncing', 'offline', 'refused'] as const).map((state) => {
      const w = stateWords(status({ state }));
      return [state, w.label, w.tone];
    });
    expect(seen).toEqual([
      ['off', 'Sync is off', 'off'],
      ['connecting', 'Sync connecting', 'pending'],
      ['idle', 'Synced', 'ok'],
      ['syncing', 'Syncing', 'ok'],
      ['offline', 'Sync offline', 'warn'],
      ['refused', 'Sync refused', 'bad'],
    ]);
    expect(stateWords(status({ state: 'off' })).sentence).toMatch(/^Briefs stay on this machine/);
  });

  it('says what waits when the store cannot take it', () => {
    expect(stateWords(status({ state: 'offline', waiting: 12 })).sentence).toBe('The shared store cannot be reached. Grove retries by itself; local work goes on. 12 entries wait to be pushed.');
    expect(stateWords(status({ state: 'refused', waiting: 1 })).sentence).toMatch(/ 1 entry waits to be pushed\.$/);
    expect(stateWords(status({ state: 'syncing', waiting: 5 })).sentence).toBe('Pulling or pushing now.');
  });

  it('refused for want of a password: says that, and where to give it, rather than pointing at the last error', () => {
    expect(stateWords(status({ state: 'refused', passwordFrom: 'none', waiting: 3 })).sentence).toBe('Grove has no usable password for the shared store, so it has not connected: give it below. 3 entries wait to be pushed.');
    expect(stateWords(status({ state: 'refused', passwordFrom: 'env' })).sentence).toMatch(/the last error says why/);
  });
});

describe('passwordAdvice', () => {
  it('names the variable or the file it comes from, with no command to run', () => {
    expect(passwordAdvice('env', '/home/ann/.grove')).toEqual({ from: 'GROVE_SYNC_PASSWORD, in the host’s environment (it wins over the file)', command: null });
    expect(passwordAdvice('file', '/home/ann/.grove/')).toEqual({ from: '/home/ann/.grove/sync-password, readable by you only', command: null });
  });

  it('gives the exact command for the data dir when there is none, quoting a path that needs it', () => {
    expect(passwordAdvice('none', '/home/ann/.grove').command).toBe(`(umask 077; IFS= read -rs p && printf '%s\\n' "$p" > /home/ann/.grove/sync-password && chmod 600 /home/ann/.grove/sync-password)`);
    expect(passwordAdvice('none', "/Users/ann/Grove data/it's").command).toBe(
      `(umask 077; IFS= read -rs p && printf '%s\\n' "$p" > '/Users/ann/Grove data/it'\\''s/sync-password' && chmod 600 '/Users/ann/Grove data/it'\\''s/sync-password')`,
    );
    expect(passwordAdvice('none', null)).toEqual({ from: 'None found', command: `(umask 077; IFS= read -rs p && printf '%s\\n' "$p" > '<data dir>/sync-password' && chmod 600 '<data dir>/sync-password')` });
  });

  it('shellQuote leaves plain paths alone', () => {
    expect(shellQuote('/a/b-c_d.e')).toBe('/a/b-c_d.e');
    expect(shellQuote('a b')).toBe("'a b'");
  });
});

describe('storeChange', () => {
  it('tells turning on, a TLS change, a new store and nothing apart', () => {
    expect(storeChange(status({ state: 'off', url: null, tls: null }), 'mysql://grove@db/grove', 'off')).toBe('turn-on');
    expect(storeChange(status({}), 'mysql://grove@db.example:3306/grove', 'require')).toBe('none');
    expect(storeChange(status({}), 'mysql://grove@db.example:3306/grove', 'verify')).toBe('tls');
    expect(storeChange(status({ state: 'refused' }), 'mysql://grove@other:3306/grove', 'require')).toBe('new-store');
  });
});
