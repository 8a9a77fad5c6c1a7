import type { LaneNetwork } from '../../shared/lanes';
import type { Db } from '../db/database';

/** A lane as recorded; what git and the disk say now is added by LaneService.list. */
export interface LaneRecord {
  id: string;
  repoId: string;
  name: string;
  path: string;
  branch: string | null;
  kind: 'standing' | 'ephemeral';
  createdAt: string;
  port: number | null;
  keyless: boolean;
  setup: 'none' | 'running' | 'done' | 'failed';
  served: { url: string; mode: 'site' | 'command'; agentId: string | null } | null;
  /** The lane's own network for confined agents; null: the repository's grove.yaml decides. */
  network: LaneNetwork | null;
}

type Row = {
  id: string;
  repo_id: string;
  name: string;
  path: string;
  branch: string | null;
  kind: string;
  created_at: string;
  port: number | null;
  keyless: number;
  setup: string;
  served_url: string | null;
  serve_mode: string | null;
  serve_agent_id: string | null;
  network: string | null;
};
const toRecord = (r: Row): LaneRecord => ({
  id: r.id,
  repoId: r.repo_id,
  name: r.name,
  path: r.path,
  branch: r.branch,
  kind: r.kind as LaneRecord['kind'],
  createdAt: r.created_at,
  port: r.port,
  keyless: r.keyless === 1,
  setup: r.setup as LaneRecord['setup'],
  served: r.served_url ? { url: r.served_url, mode: r.serve_mode as 'site' | 'command', agentId: r.serve_agent_id } : null,
  network: r.network as LaneNetwork | null,
});

export interface LaneStore {
  list(repoId?: string): LaneRecord[];
  get(id: string): LaneRecord | undefined;
  /** Every port block handed out, in every repository. */
  takenPorts(): number[];
  insert(l: LaneRecord): void;
  update(id: string, change: Partial<Pick<LaneRecord, 'setup' | 'served' | 'branch' | 'port' | 'network'>>): LaneRecord | undefined;
  remove(id: string): void;
}

export function createLaneStore(db: Db): LaneStore {
  const all = db.prepare('SELECT * FROM lanes ORDER BY name');
  const byRepo = db.prepare('SELECT * FROM lanes WHERE repo_id = ? ORDER BY name');
  const get = db.prepare('SELECT * FROM lanes WHERE id = ?');
  const ports = db.prepare('SELECT port FROM lanes WHERE port IS NOT NULL');
  const insert = db.prepare(
    `INSERT INTO lanes (id, repo_id, name, path, branch, kind, created_at, port, keyless, setup, served_url, serve_mode, serve_agent_id, network)
     VALUES (@id, @repoId, @name, @path, @branch, @kind, @createdAt, @port, @keyless, @setup, @servedUrl, @serveMode, @serveAgentId, @network)`,
  );
  const update = db.prepare(
    'UPDATE lanes SET branch = @branch, port = @port, setup = @setup, served_url = @servedUrl, serve_mode = @serveMode, serve_agent_id = @serveAgentId, network = @network WHERE id = @id',
  );
  const remove = db.prepare('DELETE FROM lanes WHERE id = ?');
  const read = (id: string): LaneRecord | undefined => {
    const row = get.get(id) as Row | undefined;
    return row && toRecord(row);
  };
  const params = (l: LaneRecord) => ({
    ...l,
    keyless: l.keyless ? 1 : 0,
    servedUrl: l.served?.url ?? null,
    serveMode: l.served?.mode ?? null,
    serveAgentId: l.served?.agentId ?? null,
  });
  return {
    list: (repoId) => ((repoId ? byRepo.all(repoId) : all.all()) as Row[]).map(toRecord),
    get: read,
    takenPorts: () => (ports.all() as { port: number }[]).map((r) => r.port),
    insert: (l) => void insert.run(params(l)),
    update: (id, change) => {
      const current = read(id);
      if (!current) return undefined;
      const next = { ...current, ...change };
      update.run(params(next));
      return next;
    },
    remove: (id) => void remove.run(id),
  };
}
