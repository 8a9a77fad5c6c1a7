import { createConnection } from 'mysql2/promise';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { SharedClaims, type AcquireOutcome } from '../../../src/host/sync/shared-claims';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';

/**
 * The shared store's compare-and-set on a real MariaDB: many askers at the same moment get one
 * winner; a lease ends by the server's clock (a host whose clock runs 10 minutes ahead cannot
 * steal a live one); a server that does not answer is reported as such within the timeout.
 */
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };
let db: MariaDb;

function claimsOn(leaseMs: number, timeoutMs = 3000): SharedClaims {
  return new SharedClaims({ config: () => ({ url: db.url, tls: 'off' }), env: { GROVE_SYNC_PASSWORD: db.password }, dataDir: makeTempDir(), timeoutMs, leaseMs, logger });
}
const holder = (n: number) => ({ origin: `host${n % 3}`, id: `dispatch-${n}`, name: `agent-${n}, dispatched by op${n}` });
let briefSeq = 0;
const newBriefId = () => `00000000-0000-7000-8000-${String(++briefSeq).padStart(12, '0')}`;

async function serverRow(briefId: string): Promise<{ holder_id: string; live: number } | undefined> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    const [rows] = await c.query('SELECT holder_id, lease_until > NOW(3) AS live FROM claims WHERE brief_id = ?', [briefId]);
    return (rows as { holder_id: string; live: number }[])[0];
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  if (hasMariaDb()) db = await startMariaDb();
});
afterEach(() => vi.useRealTimers());
afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('shared claims (compare-and-set on the shared store)', () => {
  it('24 askers of one brief at the same moment: exactly one wins, every other is told who holds it', async () => {
    const briefId = newBriefId();
    // Separate instances, as separate hosts would be; each call has its own connection.
    const outcomes = await Promise.all(Array.from({ length: 24 }, (_, n) => claimsOn(60_000).acquire(briefId, holder(n))));
    const won = outcomes.flatMap((o, n) => (o.kind === 'won' ? [n] : []));
    expect(won).toHaveLength(1);
    const winner = holder(won[0]!);
    const others = outcomes.filter((o): o is Extract<AcquireOutcome, { kind: 'held-by' }> => o.kind === 'held-by');
    expect(others).toHaveLength(23);
    for (const o of others) expect(o).toMatchObject({ name: winner.name, origin: winner.origin });
    expect((await serverRow(briefId))?.holder_id).toBe(winner.id);
    // The winner asking again keeps it (the same since); releasing lets the next one in.
    const again = await claimsOn(60_000).acquire(briefId, winner);
    expect(again).toEqual({ kind: 'won', since: (outcomes[won[0]!] as { since: string }).since });
    expect(await claimsOn(60_000).release(briefId, winner)).toEqual({ kind: 'released' });
    expect((await claimsOn(60_000).acquire(briefId, holder(99))).kind).toBe('won');
  }, 30_000);

  it("a row this host left for a holder that no longer works here is taken over by its successor at once; another host's row never is", async () => {
    const briefId = newBriefId();
    const mine = { origin: 'hostA', id: 'design-1', name: 'agent-brief-1, dispatched by ana' };
    expect((await claimsOn(60_000).acquire(briefId, mine)).kind).toBe('won');
    // The release was lost (or is still on its way): the build on the same host takes the brief over.
    const build = { origin: 'hostA', id: 'build-2', name: 'agent-brief-1-w2, dispatched by ana' };
    expect((await claimsOn(60_000).acquire(briefId, build)).kind).toBe('held-by');
    expect((await claimsOn(60_000).acquire(briefId, build, (id) => id === 'design-1')).kind).toBe('won');
    expect((await serverRow(briefId))?.holder_id).toBe('build-2');
    // Another host saying the same of the row gets the holder named, not the brief.
    const other = await claimsOn(60_000).acquire(briefId, { origin: 'hostB', id: 'x', name: 'x' }, () => true);
    expect(other).toMatchObject({ kind: 'held-by', origin: 'hostA', name: build.name });
  }, 30_000);

  it("a lease ends by the server's clock: after it, another holder takes the brief and the old holder's renewal is lost", async () => {
    const briefId = newBriefId();
    const shared = claimsOn(1500);
    expect((await shared.acquire(briefId, holder(1))).kind).toBe('won');
    expect(await shared.renew(briefId, holder(1))).toEqual({ kind: 'renewed' });
    expect((await shared.acquire(briefId, holder(2))).kind).toBe('held-by');
    await new Promise((r) => setTimeout(r, 1800));
    expect((await shared.acquire(briefId, holder(2))).kind).toBe('won');
    expect(await shared.renew(briefId, holder(1))).toEqual({ kind: 'lost' });
    // Releasing what one no longer holds leaves the new holder's claim alone.
    await shared.release(briefId, holder(1));
    expect((await serverRow(briefId))?.holder_id).toBe(holder(2).id);
  }, 30_000);

  it('a host whose clock runs 10 minutes ahead cannot steal a live lease', async () => {
    const briefId = newBriefId();
    expect((await claimsOn(60_000).acquire(briefId, holder(1))).kind).toBe('won');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
    const ahead = await claimsOn(60_000).acquire(briefId, holder(2));
    expect(ahead.kind).toBe('held-by');
    // The since it names is the server's time, not the shifted host's.
    const since = Date.parse((ahead as { since: string }).since);
    vi.useRealTimers();
    expect(Math.abs(since - Date.now())).toBeLessThan(30_000);
    expect(await serverRow(briefId)).toMatchObject({ holder_id: holder(1).id, live: 1 });
  }, 30_000);

  it('a hung server: the claim answers unreachable within the timeout, and works once it is back', async () => {
    const briefId = newBriefId();
    const shared = claimsOn(60_000, 1000);
    expect((await shared.acquire(newBriefId(), holder(3))).kind).toBe('won');
    db.pause();
    try {
      const started = Date.now();
      const got = await shared.acquire(briefId, holder(1));
      expect(got).toMatchObject({ kind: 'unreachable', message: expect.stringMatching(/did not answer within 1 s/) });
      expect(Date.now() - started).toBeLessThan(2500);
      expect(JSON.stringify(got)).not.toContain(db.password);
    } finally {
      db.resume();
    }
    expect((await shared.acquire(briefId, holder(1))).kind).toBe('won');
  }, 30_000);

  it("a server's error is said by its code, never its message (a server may quote what it was sent); the log has it whole, once", async () => {
    const warned: [string, Record<string, unknown> | undefined][] = [];
    const logging = { ...logger, warn: (m: string, f?: Record<string, unknown>) => void warned.push([m, f]) };
    const url = await db.addDatabase('grove_read_only');
    const shared = new SharedClaims({ config: () => ({ url, tls: 'off' }), env: { GROVE_SYNC_PASSWORD: db.password }, dataDir: makeTempDir(), timeoutMs: 3000, leaseMs: 60_000, logger: logging });
    expect((await shared.acquire(newBriefId(), holder(1))).kind).toBe('won'); // its schema made
    // The server now refuses the claim's statement, and its message names the table.
    await db.asRoot("REVOKE INSERT, UPDATE, DELETE ON `grove_read_only`.* FROM 'grove'@'127.0.0.1'");
    for (let n = 0; n < 2; n++) {
      const got = await shared.acquire(newBriefId(), holder(n));
      // Said as a sync round says it (shared-store-failure.ts): who was refused, and the fix.
      expect(got).toEqual({ kind: 'unreachable', message: `${url} refused user grove (no rights on the database): fix GROVE_SYNC_PASSWORD or the data dir's sync-password file, or the user's grants` });
    }
    expect(warned).toHaveLength(1);
    expect(JSON.stringify(warned[0])).toContain('command denied to user');
  });

  it('a store a newer Grove migrated after this one first claimed there is refused at the next claim, naming the versions; nothing is written', async () => {
    const shared = claimsOn(60_000);
    const briefId = newBriefId();
    expect((await shared.acquire(briefId, holder(1))).kind).toBe('won');
    const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
    const [rows] = (await admin.query('SELECT version FROM grove_schema WHERE id = 1')) as unknown as [{ version: number }[]];
    const version = Number(rows[0]!.version);
    await admin.query('UPDATE grove_schema SET version = ? WHERE id = 1', [version + 1]);
    try {
      const other = newBriefId();
      expect(await shared.acquire(other, holder(2))).toEqual({
        kind: 'unreachable',
        message: `the shared store's schema is at version ${version + 1}, newer than this Grove understands (${version}): upgrade Grove on this machine`,
      });
      expect(await serverRow(other)).toBeUndefined();
      expect((await shared.renew(briefId, holder(1))).kind).toBe('unreachable');
    } finally {
      await admin.query('UPDATE grove_schema SET version = ? WHERE id = 1', [version]);
      await admin.end();
    }
    expect(await shared.renew(briefId, holder(1))).toEqual({ kind: 'renewed' });
  }, 30_000);

  it('sync off: nothing is asked of a server', async () => {
    const off = new SharedClaims({ config: () => null, env: {}, dataDir: makeTempDir(), timeoutMs: 1000, leaseMs: 60_000, logger });
    expect(off.isEnabled()).toBe(false);
    expect((await off.acquire(newBriefId(), holder(1))).kind).toBe('unreachable');
  });
});
