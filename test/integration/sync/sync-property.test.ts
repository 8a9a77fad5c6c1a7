import fc from 'fast-check';
import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import type * as Mysql from 'mysql2/promise';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AcquireOutcome, ClaimHolder } from '../../../src/host/sync/shared-claims';
import { ensureSharedSchema } from '../../../src/host/sync/shared-schema';
import type { Actor, Brief, BriefEntry } from '../../../src/shared/briefs';
import { BRIEF_STATUSES } from '../../../src/shared/brief-constants';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { mysqlIds } from '../../fixtures/sync-hosts';
import { openSyncRig, reopenSyncRig, type SyncRig } from '../../fixtures/sync-rig';
import { startTcpProxy, viaProxy, type TcpProxy } from '../../fixtures/tcp-proxy';
import { removeTempDirs } from '../../fixtures/temp-dir';

/**
 * A property of sync as a whole: 2–3 hosts (in-process, each its own SQLite store and
 * SyncService, wired as the host wires them) against one real MariaDB, each through its own TCP
 * proxy, run random interleavings of local writes, sync rounds, broken links and crashes. Then
 * the links heal and every host syncs until nothing moves, and:
 *
 * - every entry a host acknowledged is in MySQL exactly once (seqs 1..N, no gap) and on every
 *   host exactly once;
 * - every host shows the same briefs and the same entries (content and tombstones);
 * - no host ever reads an older state after a newer one (a brief, once seen, never has fewer
 *   entries or a lower version);
 * - the password appears in no log line and no status.
 *
 * Claims ride along: hosts acquire, renew and release shared claims on a few briefs through their
 * own SharedClaims (so their link's faults apply), all hosts race for one brief at once, a claim's
 * link dies right after its SELECT … FOR UPDATE or its COMMIT (the store decided, the host never
 * heard), and the test lapses a lease in the store. The test keeps what each host was told and
 * checks, after every claim operation and again once healed:
 *
 * - at most one host believes it holds a brief (`won` or `renewed`, not since released, lost, or
 *   lapsed by the test), and the store names that host with a live lease;
 * - every `held-by` names the holder the store has (origin, name and since), never the asker, and
 *   is never told to a host that holds the brief;
 * - the store names no host that was never told `won`, or was told `released` or `lost` since,
 *   unless an answer it did not hear may have made it the holder;
 * - a race with every answer heard has exactly one winner; after healing every holder renews and
 *   a last race on each brief has exactly one winner, the holder if there was one.
 *
 * A crash is `kill -9`: the host's SyncService is dropped without a stop and a new one opens the
 * same SQLite file. `crash-after-commit` kills it in the worst window, after MySQL committed a push
 * and before the outbox rows were deleted (the connection's commit() resolves, then the round
 * dies), so the restarted host replays a batch the server already has.
 * fast-check prints the seed and the shrunk interleaving of a failure; replay it with
 * `fc.assert(..., { seed, path })`.
 */
const crash = vi.hoisted(() => ({ armed: false, fired: 0 }));

vi.mock('mysql2/promise', async (importOriginal) => {
  const actual = await importOriginal<typeof Mysql>();
  type Conn = Awaited<ReturnType<typeof actual.createConnection>>;
  // The round's connection, with a kill -9 that can be armed for the moment right after COMMIT.
  const withCrashAfterCommit = (conn: Conn): Conn =>
    new Proxy(conn, {
      get(target, prop) {
        if (prop === 'commit') {
          return async () => {
            await target.commit();
            if (!crash.armed) return;
            crash.armed = false;
            crash.fired++;
            throw new Error('killed between the COMMIT and the outbox delete (simulated kill -9)');
          };
        }
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  const createConnection = async (...args: Parameters<typeof actual.createConnection>) => withCrashAfterCommit(await actual.createConnection(...args));
  return { ...actual, createConnection, default: { ...actual, createConnection } };
});

const TIMEOUT_MS = 500;
const OPERATOR: Actor = { kind: 'operator', name: 'operator:prop' };

type Fault = 'drop' | 'half-open' | 'refuse' | 'slow';
/** Where a claim's link goes silent: with the row locked (the server keeps the lock until the link heals), or with its COMMIT sent. */
type Cut = 'FOR UPDATE' | '\x03COMMIT';
type ClaimOp =
  | { kind: 'claim'; host: number; brief: number }
  | { kind: 'claim-race'; brief: number }
  | { kind: 'claim-cut'; host: number; brief: number; at: Cut }
  | { kind: 'renew'; host: number; brief: number }
  | { kind: 'release'; host: number; brief: number }
  | { kind: 'lapse'; brief: number };
type Op =
  | ClaimOp
  | { kind: 'create'; host: number }
  | { kind: 'status'; host: number; brief: number; to: (typeof BRIEF_STATUSES)[number] }
  | { kind: 'note'; host: number; brief: number }
  | { kind: 'spec'; host: number; brief: number }
  | { kind: 'title'; host: number; brief: number }
  | { kind: 'redact'; host: number; brief: number }
  | { kind: 'sync'; host: number }
  | { kind: 'fault'; host: number; fault: Fault }
  | { kind: 'heal'; host: number }
  | { kind: 'crash'; host: number }
  | { kind: 'crash-after-commit'; host: number };

const CLAIM_OPS = new Set<Op['kind']>(['claim', 'claim-race', 'claim-cut', 'renew', 'release', 'lapse']);
const isClaimOp = (op: Op): op is ClaimOp => CLAIM_OPS.has(op.kind);

const host = fc.nat(2);
const brief = fc.nat(5);
/**
 * The briefs claims are asked for. The store decides a claim by the brief's id alone, so these
 * need not be briefs any host has; three of them keep hosts contending for the same ones.
 */
const CLAIM_BRIEFS = [0, 1, 2].map((k) => `01900000-0000-7000-8000-00000000000${k}`);
const claimBrief = fc.nat(CLAIM_BRIEFS.length - 1);
// A cut at COMMIT (the store decided, the host never heard) is the rarer window, and the one to reach.
const cutAt = fc.oneof({ weight: 2, arbitrary: fc.constant<Cut>('\x03COMMIT') }, { weight: 1, arbitrary: fc.constant<Cut>('FOR UPDATE') });
const claimOps: { weight: number; arbitrary: fc.Arbitrary<Op> }[] = [
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('claim' as const), host, brief: claimBrief }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('claim-race' as const), brief: claimBrief }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('claim-cut' as const), host, brief: claimBrief, at: cutAt }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('renew' as const), host, brief: claimBrief }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('release' as const), host, brief: claimBrief }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lapse' as const), brief: claimBrief }) },
];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), host }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('status' as const), host, brief, to: fc.constantFrom(...BRIEF_STATUSES) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('note' as const), host, brief }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('spec' as const), host, brief }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('title' as const), host, brief }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('redact' as const), host, brief }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('sync' as const), host }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('fault' as const), host, fault: fc.constantFrom<Fault>('drop', 'half-open', 'refuse', 'slow') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('heal' as const), host }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const), host }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash-after-commit' as const), host }) },
  ...claimOps,
);

interface World {
  db: MariaDb;
  proxies: TcpProxy[];
  rigs: SyncRig[];
  /** Every entry a host answered for. */
  acked: Set<string>;
  /** Per host, per brief: the most entries and the highest version it has shown. */
  seen: Map<string, { entries: number; version: number }>[];
  statuses: string[];
  /** The test's own connection to MariaDB, past every proxy: it reads the `claims` table and lapses leases. */
  admin: Connection;
  /** Per claim brief, per host: what that host was told. */
  beliefs: Belief[][];
}

/**
 * What a host was last told about a brief's claim. `holds`: `won` or `renewed`, and not since
 * released, lost or lapsed by the test. `maybe`: it does not believe it holds the brief, yet the
 * store may name it (an answer it never heard, a release it never heard back from, a lease the
 * test lapsed that no one took since). `none`: the store must not name it.
 */
type Belief = 'holds' | 'maybe' | 'none';

const afterRound = () => new Promise((r) => setTimeout(r, 10));

function briefOf(rig: SyncRig, index: number): Brief | null {
  const ids = rig.store.ids();
  return ids.length === 0 ? null : rig.store.get(ids[index % ids.length]!);
}

function ack(world: World, r: { ok: true; value: { entries: readonly BriefEntry[] } } | { ok: false }): void {
  if (r.ok) for (const e of r.value.entries) world.acked.add(e.id);
}

/** What the runs exercised, printed at the end (a property that never broke a link proves little). */
const tally = { runs: 0, entries: 0, offline: 0, crashes: 0 };
const claimTally = { won: 0, heldBy: 0, unreachable: 0, unheard: 0, races: 0, soleWinners: 0, lapses: 0 };

async function syncRound(world: World, i: number): Promise<void> {
  const r = await world.rigs[i]!.sync.syncNow();
  if (r.ok) world.statuses.push(JSON.stringify(r.value));
  await afterRound();
}

/** Each host asks for claims as one holder of its own (a dispatch, say), named as another operator would read it. */
function holderOf(world: World, i: number): ClaimHolder {
  return { origin: world.rigs[i]!.node, id: `holder-${i}`, name: `agent-${i}, dispatched by op-${i}` };
}

type ClaimRow = RowDataPacket & { holder_origin: string; holder_id: string; holder_name: string; since: string; lapsed: number };
/** A brief's claim as the store has it now, with the host it names (-1: none of them). */
type StoredClaim = { host: number; origin: string; name: string; since: string; lapsed: boolean };

async function storedClaim(world: World, b: number): Promise<StoredClaim | null> {
  const [rows] = await world.admin.query<ClaimRow[]>('SELECT holder_origin, holder_id, holder_name, since, lease_until < NOW(3) AS lapsed FROM claims WHERE brief_id = ?', [CLAIM_BRIEFS[b]]);
  const row = rows[0];
  if (!row) return null;
  const host = world.rigs.findIndex((_, i) => holderOf(world, i).origin === row.holder_origin && holderOf(world, i).id === row.holder_id);
  return { host, origin: row.holder_origin, name: row.holder_name, since: `${row.since.replace(' ', 'T')}Z`, lapsed: Number(row.lapsed) === 1 };
}

function holdersOf(world: World, b: number): number[] {
  return world.beliefs[b]!.flatMap((belief, i) => (belief === 'holds' ? [i] : []));
}

/** Host i was told its claim on brief b is its own: no other host may believe so, and the store must say so. */
function toldYours(world: World, i: number, b: number, store: StoredClaim | null, at: string): void {
  expect(holdersOf(world, b).filter((j) => j !== i), `${at}: told it is its own while another host holds it`).toEqual([]);
  expect(store, `${at}: told it is its own, the store says otherwise`).toMatchObject({ host: i, lapsed: false });
  world.beliefs[b]![i] = 'holds';
}

async function hearAcquire(world: World, i: number, b: number, got: AcquireOutcome): Promise<void> {
  const at = `host ${i} acquiring brief ${b}`;
  const store = await storedClaim(world, b);
  const beliefs = world.beliefs[b]!;
  switch (got.kind) {
    case 'won':
      claimTally.won++;
      toldYours(world, i, b, store, at);
      expect(got.since, `${at}: won since another instant than the store's`).toBe(store!.since);
      return;
    case 'held-by':
      claimTally.heldBy++;
      expect(beliefs[i], `${at}: told held-by ${got.origin} while it holds it`).not.toBe('holds');
      expect(got.origin, `${at}: told it is held by itself`).not.toBe(world.rigs[i]!.node);
      expect({ origin: got.origin, name: got.name, since: got.since }, `${at}: held-by names a holder the store does not have`).toEqual(
        store && { origin: store.origin, name: store.name, since: store.since },
      );
      return;
    case 'unreachable':
      claimTally.unreachable++;
      world.statuses.push(got.message);
      // The store may have decided and the answer been lost: the host does not know it holds the brief.
      if (store?.host === i && beliefs[i] === 'none') claimTally.unheard++;
      if (beliefs[i] === 'none') beliefs[i] = 'maybe';
      return;
  }
}

async function renew(world: World, i: number, b: number): Promise<void> {
  const at = `host ${i} renewing brief ${b}`;
  const got = await world.rigs[i]!.claims.renew(CLAIM_BRIEFS[b]!, holderOf(world, i));
  const store = await storedClaim(world, b);
  const beliefs = world.beliefs[b]!;
  if (got.kind === 'renewed') return toldYours(world, i, b, store, at);
  if (got.kind === 'unreachable') return void world.statuses.push(got.message);
  expect(beliefs[i], `${at}: lost a claim it held`).not.toBe('holds');
  expect(store?.host, `${at}: told lost, yet the store names it`).not.toBe(i);
  beliefs[i] = 'none';
}

async function release(world: World, i: number, b: number): Promise<void> {
  const got = await world.rigs[i]!.claims.release(CLAIM_BRIEFS[b]!, holderOf(world, i));
  const beliefs = world.beliefs[b]!;
  if (got.kind === 'unreachable') {
    world.statuses.push(got.message);
    if (beliefs[i] === 'holds') beliefs[i] = 'maybe';
    return;
  }
  expect((await storedClaim(world, b))?.host, `host ${i} released brief ${b}, yet the store names it`).not.toBe(i);
  beliefs[i] = 'none';
}

/** Every host asks for brief b at once; returns the winner, if any. */
async function race(world: World, b: number): Promise<{ winner: number | undefined; allHeard: boolean }> {
  const answers = await Promise.all(world.rigs.map((rig, i) => rig.claims.acquire(CLAIM_BRIEFS[b]!, holderOf(world, i))));
  const winners = answers.flatMap((a, i) => (a.kind === 'won' ? [i] : []));
  const allHeard = answers.every((a) => a.kind !== 'unreachable');
  expect(winners.length, `race for brief ${b}: ${JSON.stringify(answers)}`).toBeLessThanOrEqual(1);
  if (allHeard) expect(winners, `race for brief ${b} with every answer heard: ${JSON.stringify(answers)}`).toHaveLength(1);
  for (const [i, a] of answers.entries()) await hearAcquire(world, i, b, a);
  return { winner: winners[0], allHeard };
}

/** The test lapses brief b's lease in the store (a holder that stopped renewing): its holder must no longer believe it holds it. */
async function lapse(world: World, b: number): Promise<void> {
  try {
    await world.admin.query('UPDATE claims SET lease_until = NOW(3) - INTERVAL 1 SECOND WHERE brief_id = ?', [CLAIM_BRIEFS[b]]);
  } catch (e) {
    // A host's link died with the row locked (a `claim-cut`): the lock stays until that link heals.
    if ((e as { code?: string }).code === 'ER_LOCK_WAIT_TIMEOUT') return;
    throw e;
  }
  claimTally.lapses++;
  world.beliefs[b] = world.beliefs[b]!.map((belief) => (belief === 'holds' ? 'maybe' : belief));
}

async function applyClaim(world: World, op: ClaimOp): Promise<void> {
  if (op.kind === 'claim-race') {
    claimTally.races++;
    if ((await race(world, op.brief)).allHeard) claimTally.soleWinners++;
    return;
  }
  if (op.kind === 'lapse') return lapse(world, op.brief);
  const i = op.host % world.rigs.length;
  const rig = world.rigs[i]!;
  if (op.kind === 'renew') return renew(world, i, op.brief);
  if (op.kind === 'release') return release(world, i, op.brief);
  const proxy = world.proxies[i]!;
  const cut = op.kind === 'claim-cut' && proxy.mode().kind === 'pass';
  if (cut) proxy.halfOpenAfter(op.at);
  const got = await rig.claims.acquire(CLAIM_BRIEFS[op.brief]!, holderOf(world, i));
  // The claim never sent that statement (a held-by rolls back): disarmed, so no sync round trips it.
  if (cut && proxy.mode().kind === 'pass') proxy.restore();
  return hearAcquire(world, i, op.brief, got);
}

/** The store and the hosts agree on every brief's claim (what may be unknown to a host aside). */
async function checkClaims(world: World): Promise<void> {
  for (const b of CLAIM_BRIEFS.keys()) {
    const store = await storedClaim(world, b);
    const holders = holdersOf(world, b);
    expect(holders.length, `brief ${b}: hosts ${holders.join(', ')} all believe they hold it`).toBeLessThanOrEqual(1);
    if (holders.length === 1) expect(store, `brief ${b}: host ${holders[0]} believes it holds it, the store says otherwise`).toMatchObject({ host: holders[0], lapsed: false });
    if (store) {
      expect(store.host, `brief ${b}: the store names a holder that is none of the hosts'`).toBeGreaterThanOrEqual(0);
      expect(world.beliefs[b]![store.host], `brief ${b}: the store names host ${store.host}, which was told it does not hold it`).not.toBe('none');
    }
  }
}

/** Healed: every holder still holds its brief, and a last race on each brief is won by exactly one host, the holder if there is one. */
async function checkClaimsHealed(world: World): Promise<void> {
  await checkClaims(world);
  for (const b of CLAIM_BRIEFS.keys()) {
    for (const i of holdersOf(world, b)) await renew(world, i, b);
    const holder = holdersOf(world, b)[0];
    const { winner, allHeard } = await race(world, b);
    expect(allHeard, `brief ${b}: a host could not reach the healed store`).toBe(true);
    if (holder !== undefined) expect(winner, `brief ${b}: host ${holder} held it, host ${winner} won the last race`).toBe(holder);
  }
  await checkClaims(world);
}

async function apply(world: World, op: Op): Promise<void> {
  if (isClaimOp(op)) {
    await applyClaim(world, op);
    return checkClaims(world);
  }
  const i = op.host % world.rigs.length;
  const rig = world.rigs[i]!;
  const password = world.db.password;
  switch (op.kind) {
    case 'create':
      return ack(world, rig.briefs.create({ title: `brief ${world.acked.size}`, kind: 'feature', spec: 'first spec', projects: [] }, OPERATOR, 'ui'));
    case 'status':
    case 'note':
    case 'spec':
    case 'title': {
      const b = briefOf(rig, op.brief);
      if (!b) return;
      const action =
        op.kind === 'status'
          ? { kind: 'status_change' as const, to: op.to }
          : op.kind === 'note'
            ? { kind: 'note' as const, text: `note ${world.acked.size} from ${rig.node}` }
            : op.kind === 'spec'
              ? { kind: 'refinement' as const, spec: `spec ${world.acked.size} by ${rig.node}` }
              : { kind: 'details_changed' as const, title: `title ${world.acked.size} by ${rig.node}` };
      return ack(world, rig.briefs.append(b.id, action, OPERATOR, 'ui'));
    }
    case 'redact': {
      const b = briefOf(rig, op.brief);
      const note = b ? rig.store.trace(b.id).find((e) => e.kind === 'note' && !e.redacted) : undefined;
      if (!b || !note) return;
      return ack(world, rig.briefs.redact(b.id, note.id, 'a secret slipped in', OPERATOR, 'ui'));
    }
    case 'sync':
      return syncRound(world, i);
    case 'fault': {
      const proxy = world.proxies[i]!;
      if (op.fault === 'drop') proxy.drop();
      else if (op.fault === 'half-open') proxy.halfOpen();
      else if (op.fault === 'refuse') proxy.refuse();
      // Slow enough that a pull still fits in a step but a push batch's six round trips do not.
      else proxy.delay(TIMEOUT_MS / 4);
      return;
    }
    case 'heal':
      world.proxies[i]!.restore();
      return;
    case 'crash':
    case 'crash-after-commit': {
      if (op.kind === 'crash-after-commit' && rig.outbox.waiting() > 0) {
        crash.armed = true;
        await syncRound(world, i);
        crash.armed = false;
      }
      // As the kernel would on kill -9: the process's sockets close. Nothing else of it survives
      // (what it was told of its claims is kept: the host keeps its holders in its SQLite store).
      tally.crashes++;
      await rig.sync.stop();
      world.rigs[i] = reopenSyncRig(rig, { password, timeoutMs: TIMEOUT_MS });
      return;
    }
  }
}

/** What a host reads now never goes back from what it read before. */
function checkMonotonic(world: World): void {
  world.rigs.forEach((rig, i) => {
    const seen = world.seen[i]!;
    for (const id of seen.keys()) expect(rig.store.get(id), `host ${i} lost brief ${id}`).not.toBeNull();
    for (const id of rig.store.ids()) {
      const now = { entries: rig.store.trace(id).length, version: rig.store.get(id)!.version };
      const before = seen.get(id);
      if (before) {
        expect(now.entries, `host ${i}, brief ${id}: entries went back`).toBeGreaterThanOrEqual(before.entries);
        expect(now.version, `host ${i}, brief ${id}: version went back`).toBeGreaterThanOrEqual(before.version);
      }
      seen.set(id, now);
    }
  });
}

/** Every host syncs until all are idle, with nothing waiting and the same entries as MySQL. */
async function healAndSettle(world: World): Promise<void> {
  world.proxies.forEach((p) => p.restore());
  for (let pass = 0; pass < 12; pass++) {
    for (let i = 0; i < world.rigs.length; i++) await syncRound(world, i);
    const rows = (await mysqlIds(world.db)).rows;
    const settled = world.rigs.every((r) => r.sync.status().state === 'idle' && r.outbox.waiting() === 0 && entriesOf(r).length === rows);
    if (settled) return;
  }
  throw new Error(`no quiescence after 12 passes: ${world.rigs.map((r) => JSON.stringify(r.sync.status())).join(' | ')}`);
}

/** A host's entries as every replica must agree on them (its own `renumbered` notes aside). */
function entriesOf(rig: SyncRig) {
  return rig.store
    .ids()
    .flatMap((id) => rig.store.trace(id))
    .filter((e) => e.kind !== 'renumbered')
    .map((e) => ({ id: e.id, briefId: e.briefId, kind: e.kind, hlc: e.hlc, actor: e.actor, payload: e.payload, redacted: e.redacted }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A brief as every replica must agree on it, its number included (the shared store's); a renumbering is a local entry. */
function projectionsOf(rig: SyncRig) {
  return rig.store
    .ids()
    .sort()
    .map((id) => {
      const { updatedAt: _u, version, ...rest } = rig.store.get(id)!;
      const local = rig.store.trace(id).filter((e) => e.kind === 'renumbered').length;
      return { ...rest, version: version - local };
    });
}

async function resetSharedStore(db: MariaDb): Promise<void> {
  const c = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database });
  try {
    await c.query('DELETE FROM entries');
    await c.query('DELETE FROM brief_numbers');
    await c.query("UPDATE counters SET value = 0 WHERE name IN ('entry_seq', 'brief_number')");
    await c.query('DELETE FROM claims');
  } catch (e) {
    // The first run: the tables are not there yet.
    if (!(e instanceof Error && /doesn't exist/.test(e.message))) throw e;
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('sync: a property of random interleavings of hosts, links and crashes', () => {
  it('every acknowledged entry once everywhere, the same briefs on every host, no host reading back in time, one claim holder per brief', async () => {
    const db = await startMariaDb();
    const proxies = [await startTcpProxy({ port: db.port }), await startTcpProxy({ port: db.port }), await startTcpProxy({ port: db.port })];
    const admin = await createConnection({ host: db.host, port: db.port, user: db.user, password: db.password, database: db.database, dateStrings: true });
    // As SharedClaims reads `since` (UTC); a lapse waits at most 1 s for a row a dead link left locked.
    await admin.query("SET time_zone = '+00:00'");
    await admin.query('SET SESSION innodb_lock_wait_timeout = 1');
    // The test reads and lapses claims, perhaps before any host has migrated the store.
    await ensureSharedSchema(admin, 5000);
    try {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 3 }), fc.array(opArb, { minLength: 10, maxLength: 40 }), async (hosts, ops) => {
          tally.runs++;
          await resetSharedStore(db);
          proxies.forEach((p) => p.restore());
          const rigs = Array.from({ length: hosts }, () => openSyncRig({ password: db.password, timeoutMs: TIMEOUT_MS }));
          const beliefs = CLAIM_BRIEFS.map(() => rigs.map((): Belief => 'none'));
          const world: World = { db, proxies, rigs, acked: new Set(), seen: rigs.map(() => new Map()), statuses: [], admin, beliefs };
          try {
            for (const [i, rig] of rigs.entries()) await rig.sync.configure(viaProxy(db.url, proxies[i]!), 'off');
            for (const op of ops) {
              await apply(world, op);
              checkMonotonic(world);
            }
            await healAndSettle(world);
            checkMonotonic(world);
            await checkClaimsHealed(world);

            const acked = [...world.acked].sort();
            tally.entries += acked.length;
            tally.offline += world.statuses.filter((st) => st.includes('"state":"offline"')).length;
            const inMysql = await mysqlIds(db);
            // Besides what hosts acknowledged, the shared store holds only the `numbered` entries it wrote itself.
            const numbered = new Set(inMysql.numbered);
            expect(inMysql.ids.filter((id) => !numbered.has(id))).toEqual(acked);
            expect(inMysql.seqs).toEqual(Array.from({ length: inMysql.rows }, (_, k) => k + 1));
            const first = world.rigs[0]!;
            for (const rig of world.rigs) {
              const entries = entriesOf(rig);
              expect(entries.map((e) => e.id)).toEqual(inMysql.ids);
              expect(entries).toEqual(entriesOf(first));
              expect(projectionsOf(rig)).toEqual(projectionsOf(first));
            }
            for (const rig of world.rigs) expect(rig.logged.join('\n')).not.toContain(db.password);
            expect(world.statuses.join('\n')).not.toContain(db.password);
          } finally {
            for (const rig of world.rigs) {
              await rig.sync.stop();
              rig.db.close();
            }
          }
        }),
        { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 25), endOnFailure: true, interruptAfterTimeLimit: 90_000, ...(process.env.SYNC_PROPERTY_SEED ? { seed: Number(process.env.SYNC_PROPERTY_SEED), path: process.env.SYNC_PROPERTY_PATH } : {}) },
      );
    } finally {
      await admin.end();
      await Promise.all(proxies.map((p) => p.close()));
    }
    const c = claimTally;
    console.log(
      `sync property: ${tally.runs} runs, ${tally.entries} entries acknowledged, ${tally.offline} rounds offline, ${tally.crashes} crashes (${crash.fired} between COMMIT and the outbox delete); ` +
        `claims: ${c.won} won, ${c.heldBy} held-by, ${c.unreachable} unreachable (${c.unheard} decided but unheard), ${c.races} races (${c.soleWinners} with every answer heard), ${c.lapses} lapses`,
    );
    expect(tally.offline).toBeGreaterThan(0);
    expect(crash.fired).toBeGreaterThan(0);
    expect(c.soleWinners).toBeGreaterThan(0);
    expect(c.heldBy).toBeGreaterThan(0);
    expect(c.unreachable).toBeGreaterThan(0);
  }, 180_000);
});

if (!hasMariaDb()) console.log('sync property test: SKIPPED, mariadb-server is not installed here (apt-get install mariadb-server)');
