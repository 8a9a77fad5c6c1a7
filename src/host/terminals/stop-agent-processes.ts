import { TerminalConstants } from './terminal-constants';
import { findAgentProcesses, signalAll, signalGroup } from './process-tree';

/**
 * The stop sequence: SIGINT to the agent's process group (what Ctrl-C would do), then
 * SIGTERM to the group and to every process of the agent found elsewhere, then SIGKILL
 * after the grace period to whatever is left. Resolves once no process of the agent
 * remains, or reports the survivors (which only a process of another user could be).
 */
export interface StopTimings {
  interruptMs: number;
  graceMs: number;
}

export const DEFAULT_STOP: StopTimings = { interruptMs: TerminalConstants.interruptMs, graceMs: TerminalConstants.stopGraceMs };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitUntilGone(agentId: string, leader: number | null, ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = findAgentProcesses(agentId, leader);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    left = findAgentProcesses(agentId, leader);
  }
  return left;
}

export async function stopAgentProcesses(
  agentId: string,
  leaderPid: number | null,
  timings: StopTimings = DEFAULT_STOP,
): Promise<{ survivors: number[] }> {
  // Signal the group only while its leader is still this agent's (never a reused pid's).
  if (leaderPid !== null && findAgentProcesses(agentId, leaderPid).includes(leaderPid)) {
    signalGroup(leaderPid, 'SIGINT');
    if ((await waitUntilGone(agentId, leaderPid, timings.interruptMs)).length === 0) return { survivors: [] };
    if (findAgentProcesses(agentId, leaderPid).includes(leaderPid)) signalGroup(leaderPid, 'SIGTERM');
  }
  signalAll(findAgentProcesses(agentId, leaderPid), 'SIGTERM');
  let left = await waitUntilGone(agentId, leaderPid, timings.graceMs);
  if (left.length === 0) return { survivors: [] };
  signalAll(left, 'SIGKILL');
  left = await waitUntilGone(agentId, leaderPid, 1000);
  return { survivors: left };
}
