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
  /**
   * How long a stopped agent's exit is waited for once its processes were killed, before the
   * stop says it did not end. Default: the grace, and at least EXIT_AFTER_KILL_MS: on a loaded
   * machine the exit of a process killed a moment ago can take longer than a short grace to be
   * told, and calling it unkillable then is a false alarm.
   */
  exitAfterKillMs?: number;
}

export const EXIT_AFTER_KILL_MS = 5000;

export const DEFAULT_STOP: StopTimings = { interruptMs: TerminalConstants.interruptMs, graceMs: TerminalConstants.stopGraceMs };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Looks again at 50 ms, then less and less often (up to every 500 ms): each look reads every
 * process on the machine, synchronously, and several agents stopping at once (a lane's, the
 * host's shutdown) must not hold the event loop, and the other agents' output, for seconds.
 */
async function waitUntilGone(find: () => number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = find();
  for (let pause = 50; left.length > 0 && Date.now() < deadline; pause = Math.min(500, pause * 2)) {
    await sleep(Math.min(pause, Math.max(1, deadline - Date.now())));
    left = find();
  }
  return left;
}

/** `leaderStart`: as for findAgentProcesses (a pid on record from an earlier host). */
export async function stopAgentProcesses(
  agentId: string,
  leaderPid: number | null,
  timings: StopTimings = DEFAULT_STOP,
  leaderStart?: string | null,
): Promise<{ survivors: number[] }> {
  const find = () => findAgentProcesses(agentId, leaderPid, leaderStart);
  // Signal the group only while its leader is still this agent's (never a reused pid's).
  if (leaderPid !== null && find().includes(leaderPid)) {
    signalGroup(leaderPid, 'SIGINT');
    if ((await waitUntilGone(find, timings.interruptMs)).length === 0) return { survivors: [] };
    if (find().includes(leaderPid)) signalGroup(leaderPid, 'SIGTERM');
  }
  signalAll(find(), 'SIGTERM');
  let left = await waitUntilGone(find, timings.graceMs);
  if (left.length === 0) return { survivors: [] };
  signalAll(left, 'SIGKILL');
  left = await waitUntilGone(find, 1000);
  return { survivors: left };
}

/**
 * Ends what an agent's ended runs left running (a server started with setsid), found by its
 * marker; `alert` names any process that outlived it. `stop`: stopAgentProcesses, unless a
 * test stands in one.
 */
export async function endLeftovers(agent: { id: string; name: string }, timings: StopTimings, alert: (message: string) => void, stop = stopAgentProcesses): Promise<void> {
  const { survivors } = await stop(agent.id, null, timings);
  if (survivors.length) alert(`could not end processes ${survivors.join(', ')} that ${agent.name} left running in its lane`);
}
