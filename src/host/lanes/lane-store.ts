import type { Db } from '../db/database';

export interface LaneRecord {
  id: string;
  repoId: string;
  name: string;
  path: string;
  branch: string | null;
  kind: 'standing' | 'ephemeral';
  createdAt: string;
}

type Row = { id: string; repo_id: string; name: string; path: string; branch: string | null; kind: string; created_at: string };
const toRecord = (r: Row): LaneRecord => ({ id: r.id, repoId: r.repo_id, name: r.name, path: r.path, branch: r.branch, kind: r.kind as LaneRecord['kind'], createdAt: r.created_at });

export interface LaneStore {
  list(repoId?: string): LaneRecord[];
  get(id: string): LaneRecord | undefined;
  insert(l: LaneRecord): void;
  remove(id: string): void;
}

export function createLaneStore(db: Db): LaneStore {
  const all = db.prepare('SELECT * FROM lanes ORDER BY name');
  const byRepo = db.prepare('SELECT * FROM lanes WHERE repo_id = ? ORDER BY name');
  const get = db.prepare('SELECT * FROM lanes WHERE id = ?');
  const insert = db.prepare('INSERT INTO lanes VALUES (?, ?, ?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM lanes WHERE id = ?');
  return {
    list: (repoId) => ((repoId ? byRepo.all(repoId) : all.all()) as Row[]).map(toRecord),
    get: (id) => {
      const row = get.get(id) as Row | undefined;
      return row && toRecord(row);
    },
    insert: (l) => void insert.run(l.id, l.repoId, l.name, l.path, l.branch, l.kind, l.createdAt),
    remove: (id) => void remove.run(id),
  };
}
