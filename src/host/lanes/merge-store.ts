import type { MergeRecord } from '../../shared/lanes';
import type { Db } from '../db/database';

/**
 * A merge into MAIN about to be made, written before git touches MAIN and settled when its
 * record is (or when it fails): a host killed in between leaves it, and the next host finds
 * out from MAIN whether the merge landed (merge-service.ts, recoverInterrupted). Without it, a
 * merge made just before the host died was in MAIN with no record, so its gate never ran.
 */
export interface MergeIntent {
  /** The id its record will have. */
  id: string;
  repoId: string;
  laneId: string | null;
  laneName: string;
  branch: string;
  /** The lane's commit being merged (the one its check tested). */
  commit: string;
  /** Written with MAIN's HEAD before git merges: no such ref, the merge never started. */
  recoveryRef: string;
  /**
   * MAIN's HEAD when the merge was intended, as the host read it: where an undoing goes. The
   * recovery ref says the same, but lives in refs a lane's agent can write. (Absent in an
   * intent written before this field was: the ref is taken then.)
   */
  mainBefore?: string;
  /** MAIN's gate was to check it. */
  gated: boolean;
  agents: string[];
  at: string;
}

/** Every merge into MAIN, with the recovery ref that undoes it. */
export interface MergeStore {
  list(repoId?: string, limit?: number): MergeRecord[];
  get(id: string): MergeRecord | undefined;
  /** Records a merge, settling its repository's intent in the same transaction. */
  insert(m: MergeRecord): void;
  update(id: string, change: Partial<Pick<MergeRecord, 'state' | 'gateOutput'>>): MergeRecord | undefined;
  /** One per repository: merges there run one at a time, under its lock. */
  intend(intent: MergeIntent): void;
  settle(repoId: string): void;
  /** Intents left by a host that stopped mid-merge. */
  intents(): MergeIntent[];
}

const INTENT = 'merge.intent.';

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
  const intend = db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
  const settle = db.prepare('DELETE FROM settings WHERE key = ?');
  // Settings keys are the repository's id after the prefix: no LIKE wildcard can occur in the prefix.
  const intents = db.prepare(`SELECT value FROM settings WHERE key LIKE '${INTENT}%'`);
  const record = db.transaction((m: MergeRecord) => {
    insert.run({ ...m, agents: JSON.stringify(m.agents) });
    settle.run(INTENT + m.repoId);
  });
  const read = (id: string): MergeRecord | undefined => {
    const row = get.get(id) as Row | undefined;
    return row && toRecord(row);
  };
  return {
    list: (repoId, limit = 200) => ((repoId ? byRepo.all(repoId, limit) : all.all(limit)) as Row[]).map(toRecord),
    get: read,
    insert: (m) => record(m),
    update: (id, change) => {
      const current = read(id);
      if (!current) return undefined;
      const next = { ...current, ...change };
      update.run(next);
      return next;
    },
    intend: (intent) => void intend.run(INTENT + intent.repoId, JSON.stringify(intent)),
    settle: (repoId) => void settle.run(INTENT + repoId),
    intents: () => (intents.all() as { value: string }[]).map((r) => JSON.parse(r.value) as MergeIntent),
  };
}
