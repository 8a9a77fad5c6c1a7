import type { Repo } from '../../shared/repo';
import type { Db } from '../db/database';

export interface RepoStore {
  list(): Repo[];
  get(id: string): Repo | undefined;
  findByPath(mainPath: string): Repo | undefined;
  insert(repo: Repo): void;
  remove(id: string): boolean;
}

type Row = { id: string; name: string; main_path: string; added_at: string };
const toRepo = (r: Row): Repo => ({ id: r.id, name: r.name, mainPath: r.main_path, addedAt: r.added_at });

export function createRepoStore(db: Db): RepoStore {
  const list = db.prepare('SELECT * FROM repos ORDER BY name, added_at');
  const byPath = db.prepare('SELECT * FROM repos WHERE main_path = ?');
  const byId = db.prepare('SELECT * FROM repos WHERE id = ?');
  const insert = db.prepare('INSERT INTO repos (id, name, main_path, added_at) VALUES (?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM repos WHERE id = ?');
  return {
    list: () => (list.all() as Row[]).map(toRepo),
    get: (id) => {
      const row = byId.get(id) as Row | undefined;
      return row && toRepo(row);
    },
    findByPath: (p) => {
      const row = byPath.get(p) as Row | undefined;
      return row && toRepo(row);
    },
    insert: (r) => void insert.run(r.id, r.name, r.mainPath, r.addedAt),
    remove: (id) => remove.run(id).changes > 0,
  };
}
