import type { Db } from '../../db/database';
import type { Logger } from '../../logger';
import { carriesMarker, isProcessRunning, listProcesses, liveWithDescendants, processStartTime, signalAll } from '../../terminals/process-tree';

/**
 * The process groups of the commands a host runs from grove.yaml (setup's preCreate,
 * postCreate and teardown, command probes), kept in the store while each runs, so that a
 * host killed with `kill -9` leaves a record of them and the next host ends them before it
 * answers: a postCreate must not go on writing into a lane nobody watches, a probe must not
 * outlive the timeout that died with its host.
 *
 * Each command runs with `GROVE_COMMAND_GROUP=<marker>` in its environment, inherited by
 * everything it starts; that marker, not the pid, is what identifies its processes later
 * (on Linux, where a process's environment can be read). Elsewhere the group's leader must
 * still be running with the start time recorded for it, so a reused pid is never signalled.
 */
export const COMMAND_GROUP_VAR = 'GROVE_COMMAND_GROUP';
/** The marker's start for Grove's own `git merge` into MAIN (merge-service.ts). */
export const OWN_GIT_MERGE = 'merge-';

export interface CommandGroups {
  /**
   * True once the host's stop has ended the commands running (endRunning): a command asked
   * for after it (a lane's postCreate once its `git worktree add` is done) must not start,
   * as nothing would end it before the host exits. Asked right before the spawn, in the same
   * turn of the event loop, so no start slips in between.
   */
  isClosed(): boolean;
  /** A command started as the leader of group `pgid`, with `marker` in its environment. */
  started(marker: string, pgid: number, command: string): void;
  /** The command is over (its shell exited, or its group was ended): forget it. */
  ended(marker: string): void;
}

export interface CommandGroupsStore extends CommandGroups {
  /** On host start: ends what a previous host's commands left running, then forgets those that ended. */
  reconcile(logger: Logger): Promise<void>;
  /**
   * On a graceful stop: closes the store to new commands (isClosed), ends this host's
   * commands still running (a setup, a check, a gate), all at once, then forgets those that
   * ended. Without it a stopped host left them running until the next host started, and a
   * foreground `grove host` waited for them.
   */
  endRunning(logger: Logger): Promise<void>;
}

interface Row {
  marker: string;
  pgid: number;
  leader_start: string | null;
  what: string;
}

export function createCommandGroups(db: Db): CommandGroupsStore {
  const insert = db.prepare('INSERT OR REPLACE INTO command_groups (marker, pgid, leader_start, what, started_at) VALUES (?, ?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM command_groups WHERE marker = ?');
  const all = db.prepare('SELECT marker, pgid, leader_start, what FROM command_groups');
  let closed = false;
  return {
    isClosed: () => closed,
    // A command can outlive the store: a host stopping closes it while a setup still runs.
    // The record then stays, and the next host ends what is left, as after a crash.
    started(marker, pgid, command) {
      if (db.open) insert.run(marker, pgid, processStartTime(pgid), command.slice(0, 500), new Date().toISOString());
    },
    ended: (marker) => {
      if (db.open) remove.run(marker);
    },
    reconcile: (logger) => endRecorded(logger, 'the previous host left running', () => true),
    // Not Grove's own git merge into MAIN (`merge-…`): cut in half it leaves MAIN to repair;
    // it is quick, and the merge waits for it before the store closes.
    endRunning: (logger) => {
      closed = true;
      return endRecorded(logger, 'running as the host stops', (row) => !row.marker.startsWith(OWN_GIT_MERGE));
    },
  };

  async function endRecorded(logger: Logger, whose: string, ends: (row: Row) => boolean): Promise<void> {
    // Every group at once: a stop should not take a grace period per command.
    await Promise.all(
      (all.all() as Row[]).filter(ends).map(async (row) => {
        const pids = leftovers(row);
        if (pids.length > 0) {
          logger.warn(`ending a command ${whose}`, { command: row.what, pgid: row.pgid, pids });
          const survivors = await endAll(row, pids);
          // Still running after SIGKILL (held in the kernel: a hung NFS read): kept on record,
          // so the next host's start tries again, as runCommands keeps a timed-out one's.
          if (survivors.length) {
            logger.error(`could not end a command ${whose}`, { command: row.what, pids: survivors });
            return;
          }
        }
        if (db.open) remove.run(row.marker);
      }),
    );
  }
}

/** The live processes of a recorded command, by its marker (Linux) or its still-verified leader. */
function leftovers(row: Row, known: readonly number[] = []): number[] {
  const procs = listProcesses();
  const found = new Set<number>(known);
  if (process.platform === 'linux') {
    const marker = `${COMMAND_GROUP_VAR}=${row.marker}\0`;
    for (const p of procs) if (carriesMarker(p.pid, marker)) found.add(p.pid);
  } else if (row.leader_start !== null && processStartTime(row.pgid) === row.leader_start) {
    for (const p of procs) if (p.pgid === row.pgid) found.add(p.pid);
  }
  return liveWithDescendants(procs, found);
}

/** SIGTERM, then SIGKILL after a short grace: the host is starting and should not wait long. */
async function endAll(row: Row, pids: number[]): Promise<number[]> {
  signalAll(pids, 'SIGTERM');
  const left = await waitUntilGone(row, pids, 2000, 'SIGTERM');
  if (left.length === 0) return [];
  signalAll(left, 'SIGKILL');
  return waitUntilGone(row, left, 1000, 'SIGKILL');
}

/**
 * Polls until the command's processes are gone. One found meanwhile (forked by a process
 * still winding down) is sent `signal` too: found only to be reported, it would outlive the
 * host that said it could not end it.
 */
async function waitUntilGone(row: Row, pids: readonly number[], ms: number, signal: NodeJS.Signals): Promise<number[]> {
  const deadline = Date.now() + ms;
  const signalled = new Set(pids);
  let left: number[] = [...pids];
  // Looked for at once too: with every known one dead at the first look, one forked just
  // before the signal would otherwise never be seen.
  for (;;) {
    left = leftovers(row, left.filter(isProcessRunning));
    const fresh = left.filter((pid) => !signalled.has(pid));
    signalAll(fresh, signal);
    for (const pid of fresh) signalled.add(pid);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

