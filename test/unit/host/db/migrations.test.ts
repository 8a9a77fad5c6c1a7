import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import {
  LATEST_SCHEMA_VERSION,
  migrate,
  migrations,
  SchemaTooNewError,
  schemaVersionOf,
} from '../../../../src/host/db/migrations';
import { createAgentStore } from '../../../../src/host/terminals/agent-store';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import { createDispatchStore } from '../../../../src/host/dispatch/dispatch-store';
import type { Dispatch } from '../../../../src/shared/dispatch';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/**
 * Seed data written at each schema version, so an upgrade is proven to keep what users
 * had. A migration that adds a version adds a seed here.
 */
const seeds: Record<number, (db: Database.Database) => void> = {
  0: () => {},
  1: (db) => {
    db.prepare("INSERT INTO repos VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO events (at, type, payload) VALUES ('2026-01-01T00:00:00Z', 'repo.added', '{}')").run();
    db.prepare("INSERT INTO settings VALUES ('host.lastPort', '4100')").run();
  },
  2: (db) => {
    db.prepare(
      `INSERT INTO agents VALUES ('a1', 'claude-1', '/srv/flower-design', 'claude', 'claude', '[]', '{}', '[]', 'on-failure', 1, 0, 'c0ffee00-0000-4000-8000-000000000000', 160000, 120, 40, 'running', 4242, '2026-01-01T00:00:00Z')`,
    ).run();
  },
  3: (db) => {
    db.prepare("INSERT INTO browser_sessions VALUES ('d1gest', '2026-01-01T00:00:00Z')").run();
  },
  4: (db) => {
    db.prepare("INSERT OR IGNORE INTO repos VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO lanes (id, repo_id, name, path, branch, kind, created_at) VALUES ('l1', 'r1', 'design', '/srv/flower-design', 'design', 'standing', '2026-01-01T00:00:00Z')").run();
  },
  5: (db) => {
    db.prepare("INSERT OR IGNORE INTO repos VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare(
      "INSERT INTO lanes (id, repo_id, name, path, branch, kind, created_at, port, keyless, setup, served_url, serve_mode, serve_agent_id) VALUES ('l2', 'r1', 'ops', '/srv/flower-ops', 'ops', 'standing', '2026-01-01T00:00:00Z', 41010, 1, 'done', 'http://ops.test', 'site', NULL)",
    ).run();
    db.prepare(
      "INSERT INTO merges (id, repo_id, lane_id, lane_name, branch, strategy, main_before, main_after, recovery_ref, state, gate_output, at) VALUES ('m1', 'r1', 'l2', 'ops', 'ops', 'fast-forward', 'aaa', 'bbb', 'refs/grove/recovery/main/x', 'merged', NULL, '2026-01-01T00:00:00Z')",
    ).run();
  },
  6: (db) => {
    db.prepare("INSERT OR IGNORE INTO repos VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO probe_runs (repo_id, probe, ok, at, duration_ms, detail, output_tail) VALUES ('r1', 'artisan', 0, '2026-01-01T00:00:00Z', 120, 'exit 255', 'Fatal error')").run();
    db.prepare("INSERT INTO health_states (repo_id, state, at) VALUES ('r1', 'broken', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO incidents VALUES ('i1', 'r1', '2026-01-01T00:00:00Z', NULL, '{}')").run();
    db.prepare("INSERT INTO notifications VALUES ('n1', '2026-01-01T00:00:00Z', '{}')").run();
    db.prepare("INSERT INTO ops_loops VALUES ('r1', 'worktree', '/srv/flower-ops', 'claude', NULL, NULL, NULL, '2026-01-01T00:00:00Z')").run();
  },
  7: (db) => {
    db.prepare("INSERT INTO browser_sessions (digest, created_at, last_used_at) VALUES ('d2gest', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')").run();
    db.prepare("INSERT INTO command_groups VALUES ('grp-1', 4242, '123456', 'composer install', '2026-01-01T00:00:00Z')").run();
  },
  8: (db) => {
    db.prepare("INSERT INTO repos (id, name, main_path, added_at, trusted_digest, trusted_commands, trusted_at) VALUES ('r7', 'api', '/srv/api', '2026-02-01T00:00:00Z', 'ab12', '[]', '2026-02-01T00:00:00Z')").run();
  },
  9: (db) => {
    db.prepare("INSERT INTO briefs VALUES ('b1', 1, 'Worktrees', 'note', 'draft', '2026-03-01T00:00:00Z', '{}')").run();
    db.prepare("INSERT INTO brief_projects VALUES ('b1', 'flower')").run();
    db.prepare("INSERT INTO brief_entries (id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload) VALUES ('e1', 'b1', 'note', 'operator', 'operator:mike', 'ui', '2026-03-01T00:00:00Z', '0001772323200000-0000-n1', '{\"text\":\"hello\"}')").run();
    db.prepare('INSERT INTO brief_search (rowid, text) VALUES (1, ?)').run('hello');
    db.prepare("INSERT INTO blobs VALUES ('" + 'a'.repeat(64) + "', 'image/png', 10, '2026-03-01T00:00:00Z')").run();
    db.prepare("INSERT INTO brief_attachments VALUES ('at1', 'b1', 'e9', '" + 'a'.repeat(64) + "', 'shot.png', 'image/png', 10, '2026-03-01T00:00:00Z')").run();
  },
  10: (db) => {
    db.prepare("INSERT INTO dispatches VALUES ('d1', 'b1', 'r7', 'running', '2026-04-01T00:00:00Z', '{}')").run();
    db.prepare("INSERT INTO brief_claims VALUES ('b1', 'd1', 'a1', 'claude-brief-1', '2026-04-01T00:00:00Z', '2026-04-01T00:01:00Z')").run();
  },
  11: (db) => {
    db.prepare("INSERT INTO sync_outbox VALUES ('e1', 1)").run();
    db.prepare("INSERT INTO sync_state VALUES ('pull.cursor', '0')").run();
  },
  12: (db) => {
    db.prepare("INSERT INTO sync_tombstones VALUES ('e1')").run();
  },
  13: (db) => {
    // An agent asked to run unconfined; one from before the column reads as not asked.
    db.prepare(
      `INSERT INTO agents VALUES ('a13', 'shell-1', '/srv/flower-design', 'shell', '/bin/sh', '[]', '{}', '[]', 'never', 0, 0, NULL, 160000, 120, 40, 'exited', NULL, '2026-12-04T00:00:00Z', 'worker', NULL, 1)`,
    ).run();
    const asked = db.prepare('SELECT id, unconfined FROM agents ORDER BY id').all() as { id: string; unconfined: number }[];
    expect(asked.find((a) => a.id === 'a13')?.unconfined).toBe(1);
    expect(asked.filter((a) => a.id !== 'a13').every((a) => a.unconfined === 0)).toBe(true);
    // A lane with a network of its own; one from before the column takes the repository's (NULL).
    db.prepare("INSERT OR IGNORE INTO repos (id, name, main_path, added_at) VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare(
      "INSERT INTO lanes (id, repo_id, name, path, branch, kind, created_at, network) VALUES ('l13', 'r1', 'offline', '/srv/flower-offline', 'offline', 'standing', '2026-12-04T00:00:00Z', 'none')",
    ).run();
    const networks = db.prepare('SELECT id, network FROM lanes ORDER BY id').all() as { id: string; network: string | null }[];
    expect(networks.find((l) => l.id === 'l13')?.network).toBe('none');
    expect(networks.filter((l) => l.id !== 'l13').every((l) => l.network === null)).toBe(true);
    expect(() => db.prepare("UPDATE lanes SET network = 'loopback' WHERE id = 'l13'").run()).toThrow(/CHECK constraint/);
  },
  14: (db) => {
    // The network column made again: what lanes had is kept, loopback is taken, nonsense is not.
    db.prepare("INSERT OR IGNORE INTO repos (id, name, main_path, added_at) VALUES ('r1', 'flower', '/srv/flower', '2026-01-01T00:00:00Z')").run();
    db.prepare(
      "INSERT INTO lanes (id, repo_id, name, path, branch, kind, created_at, network) VALUES ('l14', 'r1', 'local', '/srv/flower-local', 'local', 'standing', '2026-12-04T00:00:00Z', 'loopback')",
    ).run();
    const networks = db.prepare('SELECT id, network FROM lanes ORDER BY id').all() as { id: string; network: string | null }[];
    expect(networks.find((l) => l.id === 'l14')?.network).toBe('loopback');
    const l13 = networks.find((l) => l.id === 'l13');
    if (l13) expect(l13.network).toBe('none');
    expect(() => db.prepare("UPDATE lanes SET network = 'everywhere' WHERE id = 'l14'").run()).toThrow(/CHECK constraint/);
  },
  15: (db) => {
    // Sessions without a page key are gone (their browsers log in again); a new one has both digests, each unique.
    expect(db.prepare("SELECT COUNT(*) AS n FROM browser_sessions WHERE key_digest = ''").get()).toEqual({ n: 0 });
    db.prepare("INSERT INTO browser_sessions (digest, created_at, last_used_at, key_digest, port) VALUES ('c15', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z', 'k15', 7777)").run();
    expect(() => db.prepare("INSERT INTO browser_sessions (digest, created_at, last_used_at, key_digest, port) VALUES ('c15b', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z', 'k15', 7777)").run()).toThrow(/UNIQUE/);
  },
  16: (db) => {
    // The redactions' index is there, and the lookup of a brief's redactions uses it.
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT DISTINCT brief_id FROM brief_entries WHERE kind = 'redaction'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('brief_entries_redactions');
  },
  17: (db) => {
    // An agent's pid is recorded with its start; one from before reads as unknown (NULL). In
    // SQL, not the store: the store of today names columns later versions added.
    expect(db.prepare('SELECT pid_start FROM agents').all().every((a) => (a as { pid_start: string | null }).pid_start === null)).toBe(true);
    db.prepare(
      `INSERT INTO agents (id, name, lane_path, preset, command, args, env, withhold_env, restart, auto_resume, is_ops_loop, session_id, context_warn_tokens, cols, rows, state, pid, created_at, role, dispatch_id, unconfined)
       VALUES ('a17', 'shell-17', '/srv/flower-design', 'shell', '/bin/sh', '[]', '{}', '[]', 'never', 0, 0, NULL, 160000, 120, 40, 'exited', NULL, '2026-12-06T00:00:00Z', 'worker', NULL, 0)`,
    ).run();
    db.prepare("UPDATE agents SET state = 'running', pid = 4242, pid_start = '12345678' WHERE id = 'a17'").run();
    expect(db.prepare("SELECT state, pid, pid_start FROM agents WHERE id = 'a17'").get()).toEqual({ state: 'running', pid: 4242, pid_start: '12345678' });
  },
  18: (db) => {
    // A repository registered now takes the first override name no other one has.
    const repos = createRepoStore(db);
    const flowers = repos.list().filter((r) => r.name === 'flower').length;
    repos.insert({ id: 'r18', name: 'flower', mainPath: '/elsewhere/flower', addedAt: '2026-12-06T00:00:00Z' });
    expect(repos.get('r18')!.overrideName).toBe(flowers === 0 ? 'flower' : `flower-${flowers + 1}`);
  },
  19: (db) => {
    // A lane's dispatches are found by the lane's id, or by its repository and name, through their indexes.
    const store = createDispatchStore(db);
    const d = { id: 'd19', briefId: 'b1', repoId: 'r1', laneId: 'l19', laneName: 'brief-19-x', state: 'finished', createdAt: '2026-12-07T00:00:00Z' } as Dispatch;
    store.save(d);
    store.save({ ...d, id: 'd19b', laneId: null, laneName: 'brief-19-x', state: 'queued', createdAt: '2026-12-07T00:01:00Z' });
    expect(store.list({ lane: { id: 'l19' } }).map((x) => x.id)).toEqual(['d19']);
    expect(store.list({ lane: { repoId: 'r1', name: 'brief-19-x' } }).map((x) => x.id)).toEqual(['d19']);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x', 'y') as { detail: string }[]).map((p) => p.detail).join(' ');
    expect(plan("SELECT record FROM dispatches WHERE json_extract(record, '$.laneId') = ? AND state IN (?, 'running')")).toContain('dispatches_by_lane');
    expect(plan("SELECT record FROM dispatches WHERE repo_id = ? AND json_extract(record, '$.laneName') = ? AND state IN ('running', 'finished')")).toContain('dispatches_by_lane_name');
  },
  20: (db) => {
    // Agents from before run as their lane says (no ceiling); one a confined agent asked for keeps its ceiling.
    const store = createAgentStore(db);
    expect(store.list().every((a) => a.ceiling === null)).toBe(true);
    const base = store.list()[0];
    const record = {
      id: 'a20', name: 'claude-brief-20', lanePath: '/srv/flower-brief-20', preset: 'claude' as const, command: 'claude', args: [], env: {}, withholdEnv: [], restart: 'on-failure' as const,
      autoResume: false, isOpsLoop: false, role: 'worker' as const, dispatchId: 'd20', unconfined: false, ceiling: { network: 'none' as const, keyless: true, repoId: 'r1', withheld: [] }, sessionId: null, contextWarnTokens: 160000,
      cols: 120, rows: 32, state: 'starting', pid: null, pidStart: null, createdAt: '2026-12-07T00:00:00Z',
    };
    store.insert(record);
    expect(store.list().find((a) => a.id === 'a20')).toEqual(record);
    if (base) expect(store.list().find((a) => a.id === base.id)!.ceiling).toBeNull();
  },
};

/** The repos columns every version has; later versions add to them. */
const REPO_IDENTITY = 'SELECT id, name, main_path, added_at FROM repos ORDER BY id';

describe('migrations', () => {
  it('numbers migrations 1..N without gaps, each with a seed', () => {
    expect(migrations.map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
    for (let v = 0; v <= LATEST_SCHEMA_VERSION; v++) expect(seeds[v], `seed for version ${v}`).toBeTypeOf('function');
  });

  for (let from = 0; from < LATEST_SCHEMA_VERSION; from++) {
    it(`upgrades a real database file from version ${from} to ${LATEST_SCHEMA_VERSION}, keeping its data`, () => {
      const path = join(makeTempDir(), 'grove.db');
      const old = new Database(path);
      // Each seed is written at its own version, as a user's data was (a later migration may add columns).
      for (let v = 1; v <= from; v++) {
        migrate(old, v);
        seeds[v]!(old);
      }
      const before = from >= 1 ? old.prepare(REPO_IDENTITY).all() : [];
      old.close();

      const { db, migration } = openDatabase(path);
      expect(migration).toEqual({ kind: 'migrated', from, to: LATEST_SCHEMA_VERSION });
      expect(schemaVersionOf(db)).toBe(LATEST_SCHEMA_VERSION);
      if (from >= 1) expect(db.prepare(REPO_IDENTITY).all()).toEqual(before);
      // The upgraded schema takes the latest version's data too.
      seeds[LATEST_SCHEMA_VERSION]!(db);
      db.close();
    });
  }

  it('marks repositories registered before trust existed as migrated (trusted at the next start), and only those', () => {
    const path = join(makeTempDir(), 'grove.db');
    const old = new Database(path);
    migrate(old, 7);
    seeds[1]!(old);
    old.close();
    const { db } = openDatabase(path);
    expect(db.prepare('SELECT id, trusted_digest, trusted_commands, trust_migrated, trust_alerted FROM repos').all()).toEqual([
      { id: 'r1', trusted_digest: null, trusted_commands: '[]', trust_migrated: 1, trust_alerted: null },
    ]);
    // Registered by this Grove: untrusted, and not migrated.
    db.prepare("INSERT INTO repos (id, name, main_path, added_at) VALUES ('r2', 'api', '/srv/api', '2026-03-01T00:00:00Z')").run();
    expect(db.prepare("SELECT trusted_digest, trust_migrated FROM repos WHERE id = 'r2'").get()).toEqual({ trusted_digest: null, trust_migrated: 0 });
    db.close();
  });

  it('gives repositories of one name their own override files, the first added keeping the name', () => {
    const path = join(makeTempDir(), 'grove.db');
    const old = new Database(path);
    migrate(old, 17);
    const add = old.prepare('INSERT INTO repos (id, name, main_path, added_at) VALUES (?, ?, ?, ?)');
    add.run('later', 'api', '/oss/api', '2026-03-01T00:00:00Z');
    add.run('first', 'api', '/work/api', '2026-01-01T00:00:00Z');
    add.run('web', 'web', '/work/web', '2026-02-01T00:00:00Z');
    add.run('third', 'api', '/x/api', '2026-04-01T00:00:00Z');
    // One literally named api-2, added after both: it kept reading api-2.yaml, and still does.
    add.run('literal', 'api-2', '/y/api-2', '2026-04-15T00:00:00Z');
    old.close();
    const { db } = openDatabase(path);
    expect(db.prepare('SELECT id, override_name FROM repos ORDER BY added_at').all()).toEqual([
      { id: 'first', override_name: 'api' },
      { id: 'web', override_name: 'web' },
      { id: 'later', override_name: 'api-3' },
      { id: 'third', override_name: 'api-4' },
      { id: 'literal', override_name: 'api-2' },
    ]);
    // Removing the first does not move the others' files; a new one takes the free name.
    const repos = createRepoStore(db);
    repos.remove('first');
    expect(repos.get('later')!.overrideName).toBe('api-3');
    repos.insert({ id: 'again', name: 'api', mainPath: '/work/api', addedAt: '2026-05-01T00:00:00Z' });
    expect(repos.get('again')!.overrideName).toBe('api');
    // Case does not make another file (macOS, Windows); a row with no name recorded holds its own name.
    repos.insert({ id: 'upper', name: 'WEB', mainPath: '/z/WEB', addedAt: '2026-05-02T00:00:00Z' });
    expect(repos.get('upper')!.overrideName).toBe('WEB-2');
    db.prepare("INSERT INTO repos (id, name, main_path, added_at) VALUES ('bare', 'docs', '/d/docs', '2026-05-03T00:00:00Z')").run();
    repos.insert({ id: 'docs2', name: 'docs', mainPath: '/e/docs', addedAt: '2026-05-04T00:00:00Z' });
    expect([repos.get('bare')!.overrideName, repos.get('docs2')!.overrideName]).toEqual(['docs', 'docs-2']);
    db.close();
  });

  it('opens a current database without migrating, in WAL mode with a busy timeout', () => {
    const path = join(makeTempDir(), 'grove.db');
    openDatabase(path).db.close();
    const { db, migration } = openDatabase(path);
    expect(migration).toEqual({ kind: 'current', version: LATEST_SCHEMA_VERSION });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    db.close();
  });

  it('refuses a database from a newer Grove, saying what to do, and leaves it untouched', () => {
    const path = join(makeTempDir(), 'grove.db');
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(path)).toThrow(SchemaTooNewError);
    expect(() => openDatabase(path)).toThrow(/newer than this Grove supports/);
    const again = new Database(path);
    expect(schemaVersionOf(again)).toBe(LATEST_SCHEMA_VERSION + 5);
    again.close();
  });
});
