import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../src/shared/sync';
import { clock } from '../../../src/cli/health-lines';
import { hasPasswordInUrl, passwordInUrlMessage, passwordSource, syncStatusLines } from '../../../src/cli/sync-lines';

const NOW = Date.parse('2026-12-03T14:00:00Z');
const minutesAgo = (m: number): string => new Date(NOW - m * 60_000).toISOString();

const idle: SyncStatus = {
  state: 'idle',
  url: 'mysql://grove@db.example:3306/grove',
  tls: 'require',
  passwordFrom: 'env',
  lastPushAt: minutesAgo(5),
  lastPullAt: minutesAgo(0.1),
  waiting: 0,
  redactedWaiting: 0,
  lastError: null,
};

describe('hasPasswordInUrl', () => {
  it('sees a password, an empty one too, wherever the @ falls', () => {
    expect(hasPasswordInUrl('mysql://grove:pw@db/grove')).toBe(true);
    expect(hasPasswordInUrl('mysql://grove:@db/grove')).toBe(true);
    expect(hasPasswordInUrl('  mysql://grove:p@ss@db:3306/grove')).toBe(true);
    expect(hasPasswordInUrl('MYSQL://a:b@c')).toBe(true);
  });
  it('sees one that holds what would end a URL\'s authority (/, ?, #), and one typed without the scheme', () => {
    expect(hasPasswordInUrl('mysql://grove:s3cr/et@db/grove')).toBe(true);
    expect(hasPasswordInUrl('mysql://grove:p#ss@db/grove')).toBe(true);
    expect(hasPasswordInUrl('mysql://grove:p?ss@db/grove')).toBe(true);
    expect(hasPasswordInUrl('grove:secret@db:3306/grove')).toBe(true);
    // Where it cannot tell (an @ after the host, which no URL sync takes anyway), it takes one for a password: never echoed.
    expect(hasPasswordInUrl('mysql://grove@db/grove?a=b:c@d')).toBe(true);
  });
  it('leaves a URL without one alone, a port included', () => {
    expect(hasPasswordInUrl('mysql://grove@db:3306/grove')).toBe(false);
    expect(hasPasswordInUrl('mysql://db:3306/grove')).toBe(false);
    expect(hasPasswordInUrl('grove@db:3306/grove')).toBe(false);
    expect(hasPasswordInUrl('--tls')).toBe(false);
  });
});

describe('passwordInUrlMessage', () => {
  it('says where the password goes instead', () => {
    expect(passwordInUrlMessage('/home/me/.grove')).toContain('GROVE_SYNC_PASSWORD or in /home/me/.grove/sync-password (chmod 600)');
  });
});

describe('passwordSource', () => {
  it('names the variable, the file, or what to do when there is none', () => {
    expect(passwordSource('env', '/d')).toBe("GROVE_SYNC_PASSWORD (the host's environment)");
    expect(passwordSource('file', '/d')).toBe('/d/sync-password');
    expect(passwordSource('none', '/d')).toBe('none found: set GROVE_SYNC_PASSWORD for the host, or write it to /d/sync-password (chmod 600)');
  });
});

describe('syncStatusLines', () => {
  it('off: one sentence and how to turn it on', () => {
    const lines = syncStatusLines({ ...idle, state: 'off', url: null, tls: null, passwordFrom: 'none', lastPushAt: null, lastPullAt: null }, '/d', NOW);
    expect(lines).toEqual([
      'Sync is off: the briefs stay on this machine.',
      'Turn it on: grove sync set mysql://USER@HOST:PORT/DB [--tls require|verify], the password in GROVE_SYNC_PASSWORD or /d/sync-password (chmod 600).',
    ]);
  });

  it('idle: every fact on its own aligned line, times relative with the clock time', () => {
    expect(syncStatusLines(idle, '/d', NOW)).toEqual([
      'Sync is idle: in step with the shared store.',
      '  url         mysql://grove@db.example:3306/grove',
      '  tls         require',
      "  password    GROVE_SYNC_PASSWORD (the host's environment)",
      `  last push   5m ago (${clock(minutesAgo(5))})`,
      `  last pull   just now (${clock(minutesAgo(0.1))})`,
      '  waiting     0 entries not yet in the shared store',
      '  last error  none',
    ]);
  });

  it('offline: never pushed, entries waiting, the last error with its age', () => {
    const lines = syncStatusLines(
      { ...idle, state: 'offline', passwordFrom: 'file', lastPushAt: null, lastPullAt: null, waiting: 1234, lastError: { message: 'connect ECONNREFUSED 10.0.0.5:3306', at: minutesAgo(180) } },
      '/d',
      NOW,
    );
    expect(lines[0]).toBe('Sync is offline: the shared store cannot be reached. Grove retries by itself; local work goes on.');
    expect(lines).toContain('  password    /d/sync-password');
    expect(lines).toContain('  last push   never');
    expect(lines).toContain('  waiting     1,234 entries not yet in the shared store');
    expect(lines).toContain('  last error  connect ECONNREFUSED 10.0.0.5:3306 (3h ago)');
    expect(syncStatusLines({ ...idle, waiting: 1 }, '/d', NOW)).toContain('  waiting     1 entry not yet in the shared store');
    // A redaction's rewrites are named: leaving the store now would leave their text there.
    expect(syncStatusLines({ ...idle, waiting: 3, redactedWaiting: 2 }, '/d', NOW)).toContain('  waiting     1 entry not yet in the shared store; 2 redacted entries not yet rewritten there');
    expect(syncStatusLines({ ...idle, waiting: 1, redactedWaiting: 1 }, '/d', NOW)).toContain('  waiting     1 redacted entry not yet rewritten there');
  });

  it('refused: says to fix the cause and run a round', () => {
    expect(syncStatusLines({ ...idle, state: 'refused' }, '/d', NOW)[0]).toBe('Sync is refused: the shared store refuses this host (the last error says why). Fix that, then: grove sync now');
  });
});
