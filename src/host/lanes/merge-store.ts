import type { MergeRecord } from '../../shared/lanes';
import type { Db } from '../db/database';

/** Every merge into MAIN, with the recovery ref that undoes it. */
export interface MergeStore {
  list(repoId?: string, limit?: number): MergeRecord[];
  get(id: string): MergeRecord | undefined;
  insert(m: MergeRecord): void;
  update(id: string, change: Partial<Pick<MergeRecord, 'state' | 'gateOutput'>>): MergeRecord | undefined;
}

type Row = {
  id: string;
  repo_id: string;
  lane_id: string | null;
  lane_name: string;
  branch: string;
  strategy: string;
  main_before: string;
  main_after: string;
  recovery_ref: string;
  state: string;
  gate_output: string | null;
  agents: string;
  at: string;
};
const toRecord = (r: Row): MergeRecord => ({
  id: r.id,
  repoId: r.repo_id,
  laneId: r.lane_id,
  laneName: r.lane_name,
  branch: r.branch,
  strategy: r.strategy as MergeRecord['strategy'],
  mainBefore: r.main_before,
  mainAfter: r.main_after,
  recoveryRef: r.recovery_ref,
  state: r.state as MergeRecord['state'],
  gateOutput: r.gate_output,
  agents: JSON.parse(r.agents) as string[],
  at: r.at,
});

export function createMergeStore(db: Db): MergeStore {
  const all = db.prepare('SELECT * FROM merges ORDER BY at DESC LIMIT ?');
  const byRepo = db.prepare('SELECT * FROM merges WHERE repo_id = ? ORDER BY at DESC LIMIT ?');
  const get = db.prepare('SELECT * FROM merges WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO merges (id, repo_id, lane_id, lane_name, branch, strategy, main_before, main_after, recovery_ref, state, gate_output, agents, at)
     VALUES (@id, @repoId, @laneId, @laneName, @branch, @strategy, @mainBefore, @mainAfter, @recoveryRef, @state, @gateOutput, @agents, @at)`,
  );
  const update = db.prepare('UPDATE merges SET state = @state, gate_output = @gateOutput WHERE id = @id');
  const read = (id: string): MergeRecord | undefined => {
    const row = get.get(id) as Row | undefined;
    return row && toRecord(row);
  };
  return {
    list: (repoId, limit = 200) => ((repoId ? byRepo.all(repoId, limit) : all.all(limit)) as Row[]).map(toRecord),
    get: read,
    insert: (m) => void insert.run({ ...m, agents: JSON.stringify(m.agents) }),
    update: (id, change) => {
      const current = read(id);
      if (!current) return undefined;
      const next = { ...current, ...change };
      update.run(next);
      return next;
    },
  };
}
