import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBrowserSessions, LOGIN_CODE_TTL_MS, SESSION_IDLE_MS } from '../../../../src/host/api/browser-sessions';
import { openDatabase } from '../../../../src/host/db/database';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

const DAY = 24 * 60 * 60 * 1000;
const PORT = 7777;

function setup() {
  let t = Date.parse('2026-03-01T12:00:00Z');
  const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
  const sessions = createBrowserSessions(db, () => t);
  const count = (): number => (db.prepare('SELECT count(*) AS n FROM browser_sessions').get() as { n: number }).n;
  return { sessions, count, advance: (ms: number) => (t += ms) };
}

describe('browser sessions', () => {
  it('ends a session left unused for 30 days, and deletes it', () => {
    const { sessions, count, advance } = setup();
    const secrets = sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    advance(SESSION_IDLE_MS - 1000);
    expect(sessions.keyValid(secrets.key, PORT)).toBe(true);
    advance(SESSION_IDLE_MS);
    expect(sessions.cookieValid(secrets.cookie)).toBe(false);
    expect(count()).toBe(0);
    expect(sessions.keyValid(secrets.key, PORT)).toBe(false);
  });

  it('looks at a session without renewing it (a socket that only listens): it still ends 30 days after its last use', () => {
    const { sessions, advance } = setup();
    const secrets = sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    for (let day = 0; day < 29; day++) {
      advance(DAY);
      expect(sessions.keyLive(secrets.key, PORT)).toBe(true);
    }
    advance(DAY);
    expect(sessions.keyLive(secrets.key, PORT)).toBe(false);
    expect(sessions.keyValid(secrets.key, PORT)).toBe(false);
    expect(sessions.keyLive(secrets.key, PORT + 1)).toBe(false);
  });

  it('keeps a session that is used, counting 30 days from its last use', () => {
    const { sessions, advance } = setup();
    const secrets = sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    for (let day = 0; day < 90; day += 20) {
      advance(20 * DAY);
      // Either secret's use renews the one session: the page's files by cookie, the API by key.
      const valid = day % 40 === 0 ? sessions.cookieValid(secrets.cookie) : sessions.keyValid(secrets.key, PORT);
      expect({ day: day + 20, valid }).toEqual({ day: day + 20, valid: true });
    }
    advance(SESSION_IDLE_MS + DAY);
    expect(sessions.keyValid(secrets.key, PORT)).toBe(false);
  });

  it('drops idle sessions when a new one opens, and never lets an unknown secret in', () => {
    const { sessions, count, advance } = setup();
    sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    advance(SESSION_IDLE_MS + 1);
    const fresh = sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    expect(count()).toBe(1);
    expect(sessions.cookieValid(fresh.cookie)).toBe(true);
    expect(sessions.keyValid(fresh.key, PORT)).toBe(true);
    expect(sessions.cookieValid('not-a-session')).toBe(false);
    expect(sessions.keyValid('not-a-session', PORT)).toBe(false);
    expect(sessions.keyValid('', PORT)).toBe(false);
  });

  it('never takes one secret for the other: the cookie, which other loopback ports see, opens no API', () => {
    const { sessions } = setup();
    const secrets = sessions.redeem(sessions.issueLoginCode().code, PORT)!;
    expect(secrets.key).not.toBe(secrets.cookie);
    expect(sessions.keyValid(secrets.cookie, PORT)).toBe(false);
    expect(sessions.cookieValid(secrets.key)).toBe(false);
    // A key is good where it was given only: a process that took the port while the host was
    // down, and was offered the key by a tab still trying, cannot use it where the host listens next.
    expect(sessions.keyValid(secrets.key, PORT + 1)).toBe(false);
    expect(sessions.keyValid(secrets.key, PORT)).toBe(true);
    sessions.revokeAll();
    expect(sessions.keyValid(secrets.key, PORT)).toBe(false);
    expect(sessions.cookieValid(secrets.cookie)).toBe(false);
  });

  it('logging out every browser spends the login codes not used yet too: a leaked login URL lets nobody in', () => {
    const { sessions } = setup();
    const unused = sessions.issueLoginCode();
    sessions.revokeAll();
    expect(sessions.redeem(unused.code, PORT)).toBeNull();
    // Codes asked for afterwards work as ever.
    expect(sessions.redeem(sessions.issueLoginCode().code, PORT)).not.toBeNull();
  });

  it('takes a login code once, and not after it expired', () => {
    const { sessions, advance } = setup();
    const a = sessions.issueLoginCode();
    expect(sessions.redeem(a.code, PORT)).toEqual({ cookie: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(sessions.redeem(a.code, PORT)).toBeNull();
    const b = sessions.issueLoginCode();
    advance(LOGIN_CODE_TTL_MS);
    expect(sessions.redeem(b.code, PORT)).toBeNull();
  });
});
