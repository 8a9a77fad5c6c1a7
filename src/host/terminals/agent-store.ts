import type { AgentRole, ConfineCeiling, PresetId } from '../../shared/agents';
import { parseCeiling } from '../confine/confine-ceiling';
import type { Db } from '../db/database';
import type { RestartPolicy } from './supervision';

/** The durable part of an agent: how to start it again, and what it was last doing. */
export interface AgentRecord {
  id: string;
  name: string;
  lanePath: string;
  preset: PresetId;
  command: string;
  args: string[];
  env: Record<string, string>;
  withholdEnv: string[];
  restart: RestartPolicy;
  autoResume: boolean;
  isOpsLoop: boolean;
  role: AgentRole;
  /** The dispatch that started it: its token speaks for that brief. */
  dispatchId: string | null;
  /** Asked to run unconfined at launch. */
  unconfined: boolean;
  /** Asked for by a confined agent: confined always, no freer than that one (confine/confine-ceiling.ts). */
  ceiling: ConfineCeiling | null;
  sessionId: string | null;
  contextWarnTokens: number;
  cols: number;
  rows: number;
  state: string;
  pid: number | null;
  /** When the process `pid` names started (processStartTime), to tell it from a later holder of the pid. */
  pidStart: string | null;
  createdAt: string;
}

type Row = {
  id: string; name: string; lane_path: string; preset: string; command: string; args: string; env: string;
  withhold_env: string; restart: string; auto_resume: number; is_ops_loop: number; session_id: string | null;
  context_warn_tokens: number; cols: number; rows: number; state: string; pid: number | null; created_at: string;
  role: string; dispatch_id: string | null; unconfined: number; pid_start: string | null; confine_ceiling: string | null;
};

const toRecord = (r: Row): AgentRecord => ({
  id: r.id,
  name: r.name,
  lanePath: r.lane_path,
  preset: r.preset as PresetId,
  command: r.command,
  args: JSON.parse(r.args) as string[],
  env: JSON.parse(r.env) as Record<string, string>,
  withholdEnv: JSON.parse(r.withhold_env) as string[],
  restart: r.restart as RestartPolicy,
  autoResume: r.auto_resume === 1,
  isOpsLoop: r.is_ops_loop === 1,
  role: r.role as AgentRole,
  dispatchId: r.dispatch_id,
  unconfined: r.unconfined === 1,
  ceiling: parseCeiling(r.confine_ceiling),
  sessionId: r.session_id,
  contextWarnTokens: r.context_warn_tokens,
  cols: r.cols,
  rows: r.rows,
  state: r.state,
  pid: r.pid,
  pidStart: r.pid_start,
  createdAt: r.created_at,
});

export interface AgentStore {
  list(): AgentRecord[];
  insert(a: AgentRecord): void;
  setState(id: string, state: string, pid: number | null, pidStart: string | null): void;
  setSize(id: string, cols: number, rows: number): void;
  setSessionId(id: string, sessionId: string): void;
  remove(id: string): void;
}

export function createAgentStore(db: Db): AgentStore {
  const list = db.prepare('SELECT * FROM agents ORDER BY created_at');
  const insert = db.prepare(`INSERT INTO agents VALUES (@id, @name, @lane_path, @preset, @command, @args, @env, @withhold_env,
    @restart, @auto_resume, @is_ops_loop, @session_id, @context_warn_tokens, @cols, @rows, @state, @pid, @created_at, @role, @dispatch_id, @unconfined, @pid_start, @confine_ceiling)`);
  const setState = db.prepare('UPDATE agents SET state = ?, pid = ?, pid_start = ? WHERE id = ?');
  const setSize = db.prepare('UPDATE agents SET cols = ?, rows = ? WHERE id = ?');
  const setSessionId = db.prepare('UPDATE agents SET session_id = ? WHERE id = ?');
  const remove = db.prepare('DELETE FROM agents WHERE id = ?');
  return {
    list: () => (list.all() as Row[]).map(toRecord),
    insert: (a) =>
      void insert.run({
        id: a.id, name: a.name, lane_path: a.lanePath, preset: a.preset, command: a.command, args: JSON.stringify(a.args),
        env: JSON.stringify(a.env), withhold_env: JSON.stringify(a.withholdEnv), restart: a.restart,
        auto_resume: a.autoResume ? 1 : 0, is_ops_loop: a.isOpsLoop ? 1 : 0, session_id: a.sessionId,
        context_warn_tokens: a.contextWarnTokens, cols: a.cols, rows: a.rows, state: a.state, pid: a.pid, created_at: a.createdAt,
        role: a.role, dispatch_id: a.dispatchId, unconfined: a.unconfined ? 1 : 0, pid_start: a.pidStart, confine_ceiling: a.ceiling === null ? null : JSON.stringify(a.ceiling),
      }),
    setState: (id, state, pid, pidStart) => void setState.run(state, pid, pidStart, id),
    setSize: (id, cols, rows) => void setSize.run(cols, rows, id),
    setSessionId: (id, sessionId) => void setSessionId.run(sessionId, id),
    remove: (id) => void remove.run(id),
  };
}
