import { randomUUID } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import { RetryLater } from './retry-later';

/**
 * The shared store's schema in MySQL (8.0+) or MariaDB (10.11+), versioned by the one row of
 * `grove_schema`. Migrations are numbered and append-only, like SQLite's; each is written to be
 * run again safely (IF NOT EXISTS, INSERT IGNORE), because MySQL commits DDL on its own and a
 * host can die between a migration and the version bump. Two hosts migrating at once take turns
 * under a named lock. A server whose schema is newer than this Grove's is refused, not touched.
 *
 * - `entries`: every brief entry any host pushed; `seq` is the shared, commit-ordered sequence
 *   (allocated under the `counters` row lock in the push transaction, see push.ts), `id` is
 *   unique so a replayed push inserts nothing.
 * - `counters`: named sequences (`entry_seq`, `brief_number`).
 * - `claims` (version 2): the one claim a brief may have across every host (shared-claims.ts): who holds it
 *   (the host's HLC node id and the dispatch or agent id) and until when, by the server's clock.
 * - `blobs` and `blob_chunks` (version 3): attachments' images by sha256, in chunks that fit the
 *   server's packet limit (blob-sync.ts). `complete` turns 1 only after every chunk is written,
 *   so a reader never takes a half-uploaded image for a whole one; `chunk_size` is the one all
 *   chunks of that blob use, whoever writes them; `lost` marks an image whose entry was pushed by
 *   a host that no longer had its bytes (no one can fetch it until a host that has them uploads).
 * - `brief_numbers` (version 4): each brief's shared number.
 * - `grove_store` (version 5): the store's identity, one random id (sharedStoreId). Numbers are
 *   this store's word only: a host pointed at another store counts that one's `numbered`
 *   entries, not these (docs/sync.md, Brief numbers).
 */
const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE IF NOT EXISTS entries (
       seq BIGINT NOT NULL PRIMARY KEY,
       id CHAR(36) NOT NULL,
       brief_id CHAR(36) NOT NULL,
       kind VARCHAR(40) NOT NULL,
       actor_kind VARCHAR(20) NOT NULL,
       actor_name VARCHAR(200) NOT NULL,
       channel VARCHAR(40) NOT NULL,
       at VARCHAR(40) NOT NULL,
       hlc VARCHAR(100) NOT NULL,
       payload LONGTEXT NULL,
       redacted LONGTEXT NULL,
       origin VARCHAR(64) NOT NULL,
       UNIQUE KEY entries_id (id),
       KEY entries_brief (brief_id)
     ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    `CREATE TABLE IF NOT EXISTS counters (
       name VARCHAR(64) NOT NULL PRIMARY KEY,
       value BIGINT NOT NULL
     )`,
    `INSERT IGNORE INTO counters (name, value) VALUES ('entry_seq', 0)`,
  ],
  [
    // DATETIME(3) holds the server's NOW(3) in the session's time zone: shared-claims.ts sets it
    // to UTC on every connection, so the column means UTC on MySQL 8.0 and MariaDB alike.
    `CREATE TABLE IF NOT EXISTS claims (
       brief_id CHAR(36) NOT NULL PRIMARY KEY,
       holder_origin VARCHAR(64) NOT NULL,
       holder_id VARCHAR(64) NOT NULL,
       holder_name VARCHAR(200) NOT NULL,
       since DATETIME(3) NOT NULL,
       lease_until DATETIME(3) NOT NULL
     ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  ],
  [
    `CREATE TABLE IF NOT EXISTS blobs (
       sha256 CHAR(64) NOT NULL PRIMARY KEY,
       size BIGINT NOT NULL,
       type VARCHAR(100) NOT NULL,
       chunks INT NOT NULL,
       chunk_size INT NOT NULL,
       complete TINYINT NOT NULL DEFAULT 0,
       lost TINYINT NOT NULL DEFAULT 0
     ) CHARACTER SET ascii COLLATE ascii_bin`,
    `CREATE TABLE IF NOT EXISTS blob_chunks (
       sha256 CHAR(64) NOT NULL,
       n INT NOT NULL,
       data LONGBLOB NOT NULL,
       PRIMARY KEY (sha256, n)
     ) CHARACTER SET ascii COLLATE ascii_bin`,
  ],
  // Brief numbers (shared-numbers.ts): one row per numbered brief; the UNIQUE key on the number
  // is what makes two briefs with one number impossible, whatever a host does. The same SQL on
  // MySQL 8.0 and MariaDB 10.11.
  [
    `CREATE TABLE IF NOT EXISTS brief_numbers (
       brief_id CHAR(36) NOT NULL PRIMARY KEY,
       number INT NOT NULL,
       UNIQUE KEY brief_numbers_number (number)
     ) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
    `INSERT IGNORE INTO counters (name, value) VALUES ('brief_number', 0)`,
  ],
  // The store's identity. The row itself is written by sharedStoreId with an id made in Node
  // (INSERT IGNORE: the first host's wins): UUID() in the statement would differ on a replica
  // fed statement-based binlogs, on MySQL 8.0 and MariaDB 10.11 alike. The same SQL on both.
  [
    `CREATE TABLE IF NOT EXISTS grove_store (
       id TINYINT NOT NULL PRIMARY KEY,
       store_id CHAR(36) NOT NULL
     ) CHARACTER SET ascii COLLATE ascii_bin`,
  ],
];

/** Version N is MIGRATIONS[N - 1] applied; add a migration by appending to the list. */
export const SHARED_SCHEMA_VERSION = MIGRATIONS.length;

export type SchemaOutcome = { kind: 'ready'; version: number } | { kind: 'too-new'; version: number };

/** The shared schema's version as the store has it now (0: not migrated yet). */
export async function sharedSchemaVersion(conn: Connection): Promise<number> {
  const [rows] = await conn.query('SELECT version FROM grove_schema WHERE id = 1');
  const row = (rows as { version: number }[])[0];
  return row ? Number(row.version) : 0;
}

/** Why this Grove leaves a store a newer Grove migrated alone, in its words. */
export function newerSchema(version: number): string {
  return `the shared store's schema is at version ${version}, newer than this Grove understands (${SHARED_SCHEMA_VERSION}): upgrade Grove on this machine`;
}

/** Brings the shared schema up to this Grove's version, or says it is newer. */
export async function ensureSharedSchema(conn: Connection, timeoutMs: number): Promise<SchemaOutcome> {
  await conn.query('CREATE TABLE IF NOT EXISTS grove_schema (id TINYINT NOT NULL PRIMARY KEY, version INT NOT NULL)');
  let version = await sharedSchemaVersion(conn);
  if (version > SHARED_SCHEMA_VERSION) return { kind: 'too-new', version };
  if (version === SHARED_SCHEMA_VERSION) return { kind: 'ready', version };
  // Waited for a second less than the step's time (whole seconds, as GET_LOCK takes them; one
  // at least, time for another Grove's migration to end): waited for all of it, the step's own
  // timeout came first, and the operator read "did not answer" instead of what is going on.
  const [locked] = await conn.query('SELECT GET_LOCK(?, ?) AS got', ['grove_schema', Math.max(1, Math.floor(timeoutMs / 1000) - 1)]);
  if ((locked as { got: number | null }[])[0]?.got !== 1) throw new RetryLater('another Grove is migrating the shared schema; trying again shortly');
  try {
    version = await sharedSchemaVersion(conn);
    if (version > SHARED_SCHEMA_VERSION) return { kind: 'too-new', version };
    for (let v = version + 1; v <= SHARED_SCHEMA_VERSION; v++) {
      for (const sql of MIGRATIONS[v - 1]!) await conn.query(sql);
      await conn.query('INSERT INTO grove_schema (id, version) VALUES (1, ?) ON DUPLICATE KEY UPDATE version = VALUES(version)', [v]);
    }
    return { kind: 'ready', version: SHARED_SCHEMA_VERSION };
  } finally {
    await conn.query('SELECT RELEASE_LOCK(?)', ['grove_schema']);
  }
}

/**
 * The shared store's identity: made once, by the first host to ask after the schema is ready
 * (INSERT IGNORE, so two hosts asking at once read the same one), and the same for every host
 * from then on. Call after ensureSharedSchema.
 */
export async function sharedStoreId(conn: Connection): Promise<string> {
  const read = async (): Promise<string | undefined> => {
    const [rows] = await conn.query('SELECT store_id FROM grove_store WHERE id = 1');
    return (rows as { store_id: string }[])[0]?.store_id;
  };
  const had = await read();
  if (had) return had;
  await conn.query('INSERT IGNORE INTO grove_store (id, store_id) VALUES (1, ?)', [randomUUID()]);
  const made = await read();
  if (!made) throw new RetryLater('the shared store did not keep its identity row (grove_store); trying again shortly');
  return made;
}
