import { RestartDefaults } from './terminal-constants';

/**
 * An agent's supervision as a pure state machine: every transition is a function of the
 * current state and one input, with no clock or process inside, so each rule (stable
 * uptime, backoff, fatal, the restart policy) is unit-tested in microseconds. The agent
 * supervisor applies the decisions at the edge.
 */
export type RestartPolicy = 'never' | 'on-failure' | 'always';

export interface RestartConfig {
  minUptimeMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  maxUnstableRestarts: number;
  settledUptimeMs: number;
}

export const DEFAULT_RESTART: RestartConfig = { ...RestartDefaults };

export type Supervision =
  | { kind: 'starting'; generation: number }
  | { kind: 'running'; generation: number; pid: number; startedAt: number }
  | { kind: 'stopping'; generation: number; pid: number }
  /** Waiting out a backoff before the next start, after the exit it carries. */
  | { kind: 'backoff'; generation: number; restartAt: number; delayMs: number; code: number | null; signal: number | null }
  | { kind: 'exited'; code: number | null; signal: number | null }
  | { kind: 'crashed'; code: number | null; signal: number | null }
  | { kind: 'fatal'; restarts: number; code: number | null; signal: number | null }
  /** The host restarted and this agent's process did not survive it. */
  | { kind: 'lost' };


export interface RunCounters {
  /** Consecutive restarts after runs shorter than the minimum uptime: too many, and the agent is `fatal`. */
  unstableRestarts: number;
  /**
   * Consecutive restarts after runs that had not settled (shorter than `settledUptimeMs`): the
   * backoff grows with them, so a run that fails a while after it starts, every time, is
   * restarted less and less often rather than at once for ever.
   */
  restartsInARow: number;
}

export const NO_RESTARTS: RunCounters = { unstableRestarts: 0, restartsInARow: 0 };

export interface ExitInput {
  code: number | null;
  signal: number | null;
  at: number;
  /** The operator (or a shutdown) asked for the stop. */
  requested: boolean;
  /** The run never started (its program could not be spawned): a failure, whatever the code says. */
  spawnFailed?: boolean;
}

export type ExitDecision =
  | { next: Extract<Supervision, { kind: 'exited' | 'crashed' }>; counters: RunCounters; restart: false }
  | { next: Extract<Supervision, { kind: 'backoff' }>; counters: RunCounters; restart: true; delayMs: number }
  | { next: Extract<Supervision, { kind: 'fatal' }>; counters: RunCounters; restart: false; alert: string };

export function isFailure(code: number | null, signal: number | null): boolean {
  return (code !== null && code !== 0) || (signal !== null && signal !== 0);
}

export function backoffFor(unstableRestarts: number, cfg: RestartConfig): number {
  return Math.min(cfg.maxBackoffMs, cfg.initialBackoffMs * 2 ** Math.max(0, unstableRestarts - 1));
}

/** What happens when the process of a `running` or `stopping` agent exits. */
export function decideOnExit(
  state: Extract<Supervision, { kind: 'running' | 'stopping' }>,
  counters: RunCounters,
  exit: ExitInput,
  policy: RestartPolicy,
  cfg: RestartConfig = DEFAULT_RESTART,
): ExitDecision {
  const failed = exit.spawnFailed === true || isFailure(exit.code, exit.signal);
  const ended = { code: exit.code, signal: exit.signal };
  const wantsRestart =
    state.kind === 'running' && !exit.requested && (policy === 'always' || (policy === 'on-failure' && failed));
  if (!wantsRestart) {
    const next = failed && !exit.requested ? { kind: 'crashed' as const, ...ended } : { kind: 'exited' as const, ...ended };
    return { next, counters: NO_RESTARTS, restart: false };
  }
  const uptime = exit.at - state.startedAt;
  const unstable = uptime < cfg.minUptimeMs ? counters.unstableRestarts + 1 : 0;
  // A run too short to be stable has not settled either, whatever GROVE_RESTART says.
  const inARow = uptime < Math.max(cfg.settledUptimeMs, cfg.minUptimeMs) ? counters.restartsInARow + 1 : 0;
  if (unstable > cfg.maxUnstableRestarts) {
    return {
      next: { kind: 'fatal', restarts: counters.unstableRestarts, ...ended },
      counters: { unstableRestarts: unstable, restartsInARow: inARow },
      restart: false,
      alert: `gave up after ${counters.unstableRestarts} restarts in a row that each ran under ${cfg.minUptimeMs / 1000} s (last exit: ${describeExit(exit.code, exit.signal)})`,
    };
  }
  // A run that had settled restarts at once; one that had not backs off, longer each time.
  const delayMs = inARow === 0 ? 0 : backoffFor(inARow, cfg);
  return {
    next: { kind: 'backoff', generation: state.generation + 1, restartAt: exit.at + delayMs, delayMs, ...ended },
    counters: { unstableRestarts: unstable, restartsInARow: inARow },
    restart: true,
    delayMs,
  };
}

export function describeExit(code: number | null, signal: number | null): string {
  if (signal) return `signal ${signal}`;
  return `code ${code ?? '?'}`;
}
