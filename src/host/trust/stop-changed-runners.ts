import type { LaneStore } from '../lanes/lane-store';

/**
 * When a repository's commands change after they were trusted, what already runs them
 * stops too: its lanes' servers (`serve.command`) and its ops loop (`ops.command`) are
 * supervised agents that would otherwise go on, and restart, with the commands the operator
 * trusted before. Stopped as the operator's stop is (no restart); the operator starts them
 * again once the new commands are trusted. Returns what it stopped, as an operator reads it.
 */
export interface ChangedRunnersDeps {
  lanes: Pick<LaneStore, 'list'>;
  /** The ops loop's agent in the repository, if it has one. */
  opsAgentOf(repoId: string): string | null;
  isLive(agentId: string): boolean;
  stop(agentId: string): Promise<boolean>;
}

export async function stopChangedRunners(repoId: string, deps: ChangedRunnersDeps): Promise<string[]> {
  const runners: { agentId: string; what: string; again: string }[] = [];
  for (const lane of deps.lanes.list()) {
    const agentId = lane.repoId === repoId && lane.served?.mode === 'command' ? lane.served.agentId : null;
    if (agentId) runners.push({ agentId, what: `the server of lane ${lane.name}`, again: `grove lane serve ${lane.name}` });
  }
  const ops = deps.opsAgentOf(repoId);
  if (ops) runners.push({ agentId: ops, what: 'the ops loop', again: 'grove ops start' });
  const stopped: string[] = [];
  for (const r of runners) {
    if (!deps.isLive(r.agentId)) continue;
    if (await deps.stop(r.agentId)) stopped.push(`${r.what} (start it again once trusted: ${r.again})`);
  }
  return stopped;
}
