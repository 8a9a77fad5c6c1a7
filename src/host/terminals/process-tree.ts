import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Finds every process that belongs to an agent, including those that tried to leave: the
 * agent's session and process group (node-pty makes the agent a session leader, so its pid
 * is both ids), every descendant by parent links, and on Linux every process whose
 * environment carries the agent's marker (`GROVE_AGENT_ID=<id>`), which catches a daemon
 * that called setsid() and was re-parented to init. The host's own pid is never included.
 */
export interface ProcInfo {
  pid: number;
  ppid: number;
  pgid: number;
  sid: number;
}

export function listProcesses(): ProcInfo[] {
  if (process.platform === 'linux') return listFromProc();
  const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid='], { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .map(([pid, ppid, pgid]) => ({ pid: pid!, ppid: ppid!, pgid: pgid!, sid: -1 }));
}

function listFromProc(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp session …"; comm may contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ pid: Number(name), ppid: Number(rest[1]), pgid: Number(rest[2]), sid: Number(rest[3]) });
    } catch {
      /* the process ended while we looked */
    }
  }
  return out;
}

/** Linux: whether the process's environment holds `marker` (`NAME=value\0`); false if unreadable. */
export function carriesMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`).includes(marker);
  } catch {
    return false;
  }
}

export function agentMarker(agentId: string): string {
  return `GROVE_AGENT_ID=${agentId}\0`;
}

/**
 * Pids of every live process that belongs to the agent whose session leader was `leaderPid`.
 * `leaderStart`: the leader's start time as recorded (a pid on record from an earlier host),
 * or undefined for the live child of this host, whose pid no one else can hold yet.
 */
export function findAgentProcesses(agentId: string, leaderPid: number | null, leaderStart?: string | null): number[] {
  const procs = listProcesses();
  const found = new Set<number>();
  const marker = agentMarker(agentId);
  // A recorded pid may since belong to someone else (a reboot, pid reuse): on Linux it
  // counts as the agent's leader only while it still carries the agent's marker; elsewhere
  // only while the process holding it started when the recorded one did (never, unrecorded).
  // No process holding it at all: the pid is not reused while a group of that id lives, so
  // processes in that group or session are the agent's, left when its leader ended. This
  // host's live child is its own whatever its environment says (a command that cleared it,
  // `exec env -i …`, would otherwise never be signalled), while it is this process's child:
  // once reaped, its pid may be another program's.
  const ownChild = leaderStart === undefined && procs.some((p) => p.pid === leaderPid && p.ppid === process.pid);
  if (leaderPid !== null && process.platform === 'linux' && !ownChild && !carriesMarker(leaderPid, marker)) leaderPid = null;
  if (leaderPid !== null && process.platform !== 'linux' && leaderStart !== undefined) {
    const held = procs.some((p) => p.pid === leaderPid);
    if (held && (leaderStart === null || processStartTime(leaderPid) !== leaderStart)) leaderPid = null;
  }
  if (leaderPid !== null) {
    for (const p of procs) if (p.pid === leaderPid || p.sid === leaderPid || p.pgid === leaderPid) found.add(p.pid);
  }
  if (process.platform === 'linux') {
    for (const p of procs) if (!found.has(p.pid) && carriesMarker(p.pid, marker)) found.add(p.pid);
  }
  return liveWithDescendants(procs, found);
}

/**
 * `found` plus every descendant, by parent links, until nothing new turns up; never this
 * process or init, and only those still running.
 */
export function liveWithDescendants(procs: readonly { pid: number; ppid: number }[], found: Set<number>): number[] {
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!found.has(p.pid) && found.has(p.ppid)) {
        found.add(p.pid);
        grew = true;
      }
    }
  }
  found.delete(process.pid);
  return [...found].filter((pid) => pid > 1 && isProcessRunning(pid));
}

/**
 * Alive and not a zombie. A killed daemon re-parented to an init that does not reap (as in
 * some containers) stays a zombie: it is dead, holds nothing, and cannot be killed again.
 */
export function isProcessRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone already */
    }
  }
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group is empty */
  }
}

/**
 * When the process started, as an opaque string that differs between two processes that
 * held the same pid (Linux: clock ticks since boot; elsewhere: `ps`'s start time); null if
 * it is gone or unreadable.
 */
export function processStartTime(pid: number): string | null {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
    }
    // In one locale and zone whoever asks: the app started from the Finder and a host from a
    // terminal must read the same process's start the same way.
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', TZ: 'UTC' } }).trim() || null;
  } catch {
    return null;
  }
}
