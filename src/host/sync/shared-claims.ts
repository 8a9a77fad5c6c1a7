import { createConnection, type Connection, type RowDataPacket } from 'mysql2/promise';
import { maskSecrets, type Logger } from '../logger';
import { describeRoundError } from './round-errors';
import { ensureSharedSchema, newerSchema, sharedSchemaVersion, SHARED_SCHEMA_VERSION } from './shared-schema';
import { readSyncPassword } from './sync-password';
import { prepareSharedSession, sharedConnectionOptions } from './shared-connection';
import type { SyncConfig } from './sync-state-store';
import { errorCode, sharedStoreFailure } from './shared-store-failure';
import { StepTimeout } from './step-timeout';
import { RetryLater } from './retry-later';

/**
 * The one claim a brief may have across every host, decided by the shared store's
 * compare-and-set (docs/sync.md, "Claims"). One transaction locks the brief's row and takes
 * it when there is none, when its lease has run out by the SERVER's clock (`NOW(3)`; a host's
 * clock may be minutes off), or when the asker holds it already; otherwise it names the
 * holder. Each call has a connection of its own, opened and closed for it and bounded by the
 * step timeout: a claim never queues behind a sync round's push nor joins its transaction.
 *
 * What it does not decide: whether the asker may claim at all (ClaimBook), and what a host
 * does when it cannot renew (shared-leases.ts).
 */
export type ClaimHolder = {
  /** The asking store's HLC node id. */
  origin: string;
  /** The dispatch's id, or the agent's for an agent started by hand. */
  id: string;
  /** What another operator is shown: the agent and who dispatched it. */
  name: string;
};

export type AcquireOutcome =
  | { kind: 'won'; since: string }
  | { kind: 'held-by'; name: string; origin: string; since: string }
  | { kind: 'unreachable'; message: string };

export type RenewOutcome = { kind: 'renewed' } | { kind: 'lost' } | { kind: 'unreachable'; message: string };
export type ReleaseOutcome = { kind: 'released' } | { kind: 'unreachable'; message: string };

export interface SharedClaimsDeps {
  /** The sync configuration now; null when sync is off (then no claim is asked of the store). */
  config(): SyncConfig | null;
  env: NodeJS.ProcessEnv;
  dataDir: string;
  timeoutMs: number;
  leaseMs: number;
  logger: Logger;
}

/** The shared lease: long enough to ride out a short outage (shared-leases.ts stops an agent before it could lapse). */
export const DEFAULT_SHARED_LEASE_MS = 120_000;

/** What GROVE_CLAIM_LEASE_MS may be, in ms: a value outside stops the host at start (host-env.ts). */
export const SHARED_LEASE_RANGE = { min: 1000, max: 3_600_000 } as const;

/** GROVE_CLAIM_LEASE_MS: the shared lease (the tests' short one; a team that wants more slack). */
export function sharedLeaseMs(env: NodeJS.ProcessEnv): number {
  const n = Number(env.GROVE_CLAIM_LEASE_MS);
  return Number.isInteger(n) && n >= SHARED_LEASE_RANGE.min && n <= SHARED_LEASE_RANGE.max ? n : DEFAULT_SHARED_LEASE_MS;
}

/** Two askers inserting the same absent row: one waits for the other and gets one of these; it asks again. */
const RACE_CODES = new Set(['ER_DUP_ENTRY', 'ER_LOCK_DEADLOCK']);

class Refused extends Error {}

type ClaimRow = RowDataPacket & { holder_origin: string; holder_id: string; holder_name: string; since: string; lapsed: number };

export class SharedClaims {
  private schemaFor: string | null = null;
  /** The last failure logged (its sentence and error), so a store down for an hour is logged once. */
  private lastLogged: string | null = null;

  constructor(private readonly deps: SharedClaimsDeps) {}

  isEnabled(): boolean {
    return this.deps.config() !== null;
  }

  get leaseMs(): number {
    return this.deps.leaseMs;
  }

  /**
   * `replaceable` says whether a row this same origin holds under another id may be taken over
   * at once: the asking host knows that holder no longer works on the brief (a dispatch that
   * ended, whose release came after this claim or was lost). Never asked of another host's row.
   */
  acquire(briefId: string, holder: ClaimHolder, replaceable: (holderId: string) => boolean = () => false): Promise<AcquireOutcome> {
    return this.withConnection(async (conn) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.acquireOnce(conn, briefId, holder, replaceable);
        } catch (e) {
          await conn.query('ROLLBACK').catch(() => undefined);
          if (attempt < 3 && RACE_CODES.has(errorCode(e))) continue;
          throw e;
        }
      }
    });
  }

  private async acquireOnce(conn: Connection, briefId: string, holder: ClaimHolder, replaceable: (holderId: string) => boolean): Promise<AcquireOutcome> {
    const lease = this.deps.leaseMs * 1000;
    const name = holder.name.slice(0, 200);
    await conn.beginTransaction();
    const [rows] = await conn.query<ClaimRow[]>(
      'SELECT holder_origin, holder_id, holder_name, since, lease_until < NOW(3) AS lapsed FROM claims WHERE brief_id = ? FOR UPDATE',
      [briefId],
    );
    const row = rows[0];
    if (!row) {
      await conn.query('INSERT INTO claims VALUES (?, ?, ?, ?, NOW(3), NOW(3) + INTERVAL ? MICROSECOND)', [briefId, holder.origin, holder.id, name, lease]);
    } else if (row.holder_origin === holder.origin && row.holder_id === holder.id) {
      await conn.query('UPDATE claims SET lease_until = NOW(3) + INTERVAL ? MICROSECOND WHERE brief_id = ?', [lease, briefId]);
    } else if (Number(row.lapsed) === 1 || (row.holder_origin === holder.origin && replaceable(row.holder_id))) {
      await conn.query('UPDATE claims SET holder_origin = ?, holder_id = ?, holder_name = ?, since = NOW(3), lease_until = NOW(3) + INTERVAL ? MICROSECOND WHERE brief_id = ?', [
        holder.origin,
        holder.id,
        name,
        lease,
        briefId,
      ]);
    } else {
      await conn.query('ROLLBACK');
      return { kind: 'held-by', name: row.holder_name, origin: row.holder_origin, since: isoOf(row.since) };
    }
    const [after] = await conn.query<ClaimRow[]>('SELECT since FROM claims WHERE brief_id = ?', [briefId]);
    await conn.commit();
    return { kind: 'won', since: isoOf(after[0]!.since) };
  }

  /** Extends the holder's lease from the server's now; `lost` when the row is no longer the holder's. */
  renew(briefId: string, holder: Pick<ClaimHolder, 'origin' | 'id'>): Promise<RenewOutcome> {
    return this.withConnection(async (conn) => {
      const [res] = await conn.query('UPDATE claims SET lease_until = NOW(3) + INTERVAL ? MICROSECOND WHERE brief_id = ? AND holder_origin = ? AND holder_id = ?', [
        this.deps.leaseMs * 1000,
        briefId,
        holder.origin,
        holder.id,
      ]);
      return (res as { affectedRows: number }).affectedRows === 1 ? { kind: 'renewed' } : { kind: 'lost' };
    });
  }

  /** Ends the holder's claim; nothing when someone else holds the brief now. */
  release(briefId: string, holder: Pick<ClaimHolder, 'origin' | 'id'>): Promise<ReleaseOutcome> {
    return this.withConnection(async (conn) => {
      await conn.query('DELETE FROM claims WHERE brief_id = ? AND holder_origin = ? AND holder_id = ?', [briefId, holder.origin, holder.id]);
      return { kind: 'released' };
    });
  }

  /** Opens a connection for one piece of work and closes it; the whole is bounded by the step timeout. */
  private async withConnection<T>(work: (conn: Connection) => Promise<T>): Promise<T | { kind: 'unreachable'; message: string }> {
    const config = this.deps.config();
    if (!config) return { kind: 'unreachable', message: 'sync is off' };
    const source = readSyncPassword(this.deps.env, this.deps.dataDir);
    if (source.kind !== 'found') return { kind: 'unreachable', message: source.message };
    this.deps.logger.addSecret(source.password);
    let conn: Connection | null = null;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const seconds = Math.round(this.deps.timeoutMs / 1000);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeout(`${config.url} did not answer within ${seconds} s`)), this.deps.timeoutMs);
    });
    const run = (async () => {
      const connecting = createConnection({ ...sharedConnectionOptions(config, source.password, this.deps.timeoutMs), dateStrings: true });
      // A connection that completes after the deadline is closed, not left open.
      connecting.then((c) => (settled ? c.destroy() : undefined), () => undefined);
      const c = await connecting;
      conn = c;
      c.on('error', () => undefined);
      // DATETIME(3) columns hold UTC (see the migration); READ COMMITTED: no gap locks, so two
      // askers of an absent row meet on its key (one waits, then sees the other's row).
      // (Two statements: MySQL 8.0 names the variable transaction_isolation, MariaDB 10.11 tx_isolation; this form is both's.)
      await c.query("SET time_zone = '+00:00'");
      // A link that dies inside the claim's transaction must not keep the row locked for hours.
      await prepareSharedSession(c, this.deps.timeoutMs);
      await c.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      await this.ensureSchema(c, config.url);
      return work(c);
    })();
    try {
      const done = await Promise.race([run, deadline]);
      this.lastLogged = null; // reached: the next failure is news, even the same one
      return done;
    } catch (e) {
      run.catch(() => undefined);
      const message = this.sentence(e, config);
      // The sentence names a code only (see sentence); the whole error goes to the log, masked,
      // once per failure rather than at every claim asked while the store is down.
      const detail = describeRoundError(e, (text) => maskSecrets(text, [source.password], 1));
      const key = JSON.stringify([message, detail.error, detail.code]);
      if (key !== this.lastLogged) this.deps.logger.warn('shared claims', { message, error: detail });
      this.lastLogged = key;
      return { kind: 'unreachable', message };
    } finally {
      settled = true;
      clearTimeout(timer);
      (conn as Connection | null)?.destroy();
    }
  }

  /**
   * The first claim may come before the first sync round has migrated the store; a later one,
   * after a newer Grove migrated it (its claims may mean more than this Grove knows): its
   * version is read again on every claim's connection, one small query.
   */
  private async ensureSchema(conn: Connection, url: string): Promise<void> {
    let version = this.schemaFor === url ? await sharedSchemaVersion(conn) : -1;
    // First here, or the store is not at this Grove's version (a newer one migrated it, or it
    // was restored from an older backup): brought up to date, or refused if newer.
    if (version !== SHARED_SCHEMA_VERSION) version = (await ensureSharedSchema(conn, this.deps.timeoutMs)).version;
    if (version > SHARED_SCHEMA_VERSION) throw new Refused(newerSchema(version));
    this.schemaFor = url;
  }

  /**
   * Why a claim could not be decided, as a dispatch's reason shows it: in the words a sync
   * round uses for the same failure (shared-store-failure.ts), by the error's code, never its
   * message, which a server may fill with what it was sent.
   */
  private sentence(e: unknown, config: SyncConfig): string {
    // Grove's own sentences (another Grove migrating the schema, say): the store was reached.
    if (e instanceof StepTimeout || e instanceof Refused || e instanceof RetryLater) return e.message;
    return sharedStoreFailure(e, config, this.deps.timeoutMs).words;
  }
}

/** '2026-12-04 02:36:20.123' (UTC, see the session's time zone) → ISO 8601. */
function isoOf(datetime: string): string {
  return `${datetime.replace(' ', 'T')}Z`;
}
