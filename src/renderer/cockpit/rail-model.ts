import type { AgentInfo } from '../../shared/agents';
import type { MainHealthState } from '../../shared/health';
import type { Lane } from '../../shared/lanes';
import type { OpsLoop } from '../../shared/ops';
import type { Repo } from '../../shared/repo';
import type { SplitOrientation, WorkspaceLayout } from './cockpit-layout';
import { ATTENTION_ORDER, attentionOf, mostUrgentAttention, needsOperator, type Attention } from '../ui/attention';

/**
 * The rail's model, built from the host's state alone: each repository with MAIN's health,
 * its ops loop and its lanes, and every agent placed in the workspace (a path) it runs in.
 * Order is stable: repositories as registered, lanes by creation; an agent's state never
 * moves a row (the operator's eye finds a lane where it was).
 */
export interface Workspace {
  /** The path agents run in: the lane's worktree, the ops checkout, or any other directory. */
  path: string;
  kind: 'lane' | 'ops' | 'main' | 'other';
  name: string;
  repoId: string | null;
  lane: Lane | null;
  agents: AgentInfo[];
  /** The most urgent agent's attention (null without agents). */
  attention: Attention | null;
  /** Agents waiting for the operator. */
  needsYou: number;
  /** The fullest context among its agents, 0..1 (null when none reports it). */
  contextUse: number | null;
}

export interface RailRepo {
  repo: Repo;
  health: MainHealthState;
  opsLoop: OpsLoop | null;
  workspaces: Workspace[];
  /** Worktrees found beside MAIN, not made by Grove: shown so they can be adopted. */
  adoptable: Lane[];
}

export interface RailModel {
  repos: RailRepo[];
  /** Agents in directories that belong to no repository's lanes. */
  others: Workspace[];
  /** Every workspace in rail order: Mod+1..9 count through these. */
  ordered: Workspace[];
}

export interface RailInput {
  repos: readonly Repo[];
  lanes: readonly Lane[];
  agents: readonly AgentInfo[];
  health: Readonly<Record<string, { state: MainHealthState }>>;
  opsLoops: Readonly<Record<string, OpsLoop>>;
}

function workspace(path: string, kind: Workspace['kind'], name: string, repoId: string | null, lane: Lane | null, agents: AgentInfo[]): Workspace {
  let needsYou = 0;
  let contextUse: number | null = null;
  for (const a of agents) {
    if (needsOperator(attentionOf(a))) needsYou++;
    if (a.context) contextUse = Math.max(contextUse ?? 0, Math.min(1, a.context.tokens / a.context.window));
  }
  return { path, kind, name, repoId, lane, agents, attention: mostUrgentAttention(agents), needsYou, contextUse };
}

function basename(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

export function buildRail(input: RailInput): RailModel {
  const byPath = new Map<string, AgentInfo[]>();
  const agents = [...input.agents].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  for (const a of agents) {
    const list = byPath.get(a.lanePath);
    if (list) list.push(a);
    else byPath.set(a.lanePath, [a]);
  }
  const placed = new Set<string>();
  const take = (path: string): AgentInfo[] => {
    placed.add(path);
    return byPath.get(path) ?? [];
  };
  const repos: RailRepo[] = input.repos.map((repo) => {
    const opsLoop = input.opsLoops[repo.id] ?? null;
    const workspaces: Workspace[] = [];
    const mainAgents = take(repo.mainPath);
    if (opsLoop && opsLoop.path !== repo.mainPath) workspaces.push(workspace(opsLoop.path, 'ops', 'ops loop', repo.id, null, take(opsLoop.path)));
    if (mainAgents.length > 0) workspaces.push(workspace(repo.mainPath, opsLoop?.path === repo.mainPath ? 'ops' : 'main', opsLoop?.path === repo.mainPath ? 'ops loop' : 'MAIN', repo.id, null, mainAgents));
    const lanes = input.lanes.filter((l) => l.repoId === repo.id);
    const own = lanes.filter((l) => !l.adoptable).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.name.localeCompare(b.name));
    for (const l of own) workspaces.push(workspace(l.path, 'lane', l.name, repo.id, l, take(l.path)));
    return { repo, health: input.health[repo.id]?.state ?? (repo.trusted ? 'unknown' : 'untrusted'), opsLoop, workspaces, adoptable: lanes.filter((l) => l.adoptable) };
  });
  const others = [...byPath.keys()].filter((p) => !placed.has(p)).sort().map((p) => workspace(p, 'other', basename(p), null, null, byPath.get(p)!));
  return { repos, others, ordered: [...repos.flatMap((r) => r.workspaces), ...others] };
}

/** Agents waiting for the operator: the most urgent first, the longest waiting first within one urgency. */
export function waitingAgents<A extends AgentInfo>(agents: readonly A[]): A[] {
  const rank = new Map(agents.map((a) => [a.id, ATTENTION_ORDER.indexOf(attentionOf(a))]));
  return agents
    .filter((a) => needsOperator(attentionOf(a)))
    .sort((a, b) => rank.get(a.id)! - rank.get(b.id)! || a.activity.since.localeCompare(b.activity.since) || a.id.localeCompare(b.id));
}

/**
 * The next agent waiting for the operator after `currentAgentId`: the most urgent first,
 * the longest-waiting first within one urgency, cycling round. Null when none waits.
 */
export function nextWaitingAgent(agents: readonly AgentInfo[], currentAgentId: string | null): AgentInfo | null {
  const waiting = waitingAgents(agents);
  if (waiting.length === 0) return null;
  const i = waiting.findIndex((a) => a.id === currentAgentId);
  return waiting[(i + 1) % waiting.length]!;
}

/**
 * The agents on screen in a workspace, from what was saved: the front tab if that agent
 * still exists (else the first), and the split's second if it still exists and is not the
 * front one. The workspace draws this and the cockpit's commands act on it: one reading.
 */
export function onScreen(w: Workspace, saved: WorkspaceLayout): { active: AgentInfo | null; second: AgentInfo | null } {
  const active = w.agents.find((a) => a.id === saved.active) ?? w.agents[0] ?? null;
  const second = saved.split ? (w.agents.find((a) => a.id === saved.split!.second && a.id !== active?.id) ?? null) : null;
  return { active, second };
}

/** The split to save for `orientation` (null: none): the second agent shown kept, else the first other one. */
export function splitFor(w: Workspace, saved: WorkspaceLayout, orientation: SplitOrientation | null): WorkspaceLayout['split'] {
  const { active, second } = onScreen(w, saved);
  const other = second ?? w.agents.find((a) => a.id !== active?.id);
  return orientation && other ? { orientation, second: other.id } : null;
}
