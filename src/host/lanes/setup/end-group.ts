import { setTimeout as sleep } from 'node:timers/promises';
import { carriesMarker, listProcesses, liveWithDescendants, signalAll, signalGroup } from '../../terminals/process-tree';
import { COMMAND_GROUP_VAR } from './command-groups';

/**
 * SIGTERM to the group, SIGKILL after the grace period to whatever of it is left. The
 * group's members are found again each time (the leader's pid is the group id), together
 * with their descendants, which catches a child that moved to a group of its own, and (on
 * Linux) every process carrying the command's marker, which catches one that left the tree
 * too (`setsid cmd &` in a subshell).
 */
export async function endGroup(pgid: number, marker: string | null, t: { graceMs: number; waitMs: number }): Promise<number[]> {
  let members = groupMembers(pgid, marker);
  signalGroup(pgid, 'SIGTERM');
  signalAll(members, 'SIGTERM');
  members = await waitUntilGone(pgid, marker, members, t.graceMs);
  if (members.length === 0) return [];
  signalGroup(pgid, 'SIGKILL');
  signalAll(members, 'SIGKILL');
  return waitUntilGone(pgid, marker, members, t.waitMs);
}

function groupMembers(pgid: number, marker: string | null, known: readonly number[] = []): number[] {
  const procs = listProcesses();
  const found = new Set<number>(known);
  const carried = marker !== null && process.platform === 'linux' ? `${COMMAND_GROUP_VAR}=${marker}\0` : null;
  for (const p of procs) if (p.pgid === pgid || (carried !== null && carriesMarker(p.pid, carried))) found.add(p.pid);
  return liveWithDescendants(procs, found);
}

async function waitUntilGone(pgid: number, marker: string | null, known: readonly number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = groupMembers(pgid, marker, known);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(Math.min(50, Math.max(1, deadline - Date.now())));
    left = groupMembers(pgid, marker, left);
  }
  return left;
}
