/**
 * Terminals kept while hidden, so switching back to an agent shows its screen at once.
 *
 * Only visible terminals are in the page and receive output: a hidden one is detached from
 * the host (a flood in a lane nobody watches costs the page nothing) and parked here with
 * its buffer. Shown again, it re-attaches from the offset it stopped at and receives only
 * what it missed (or jumps, if that is too much). Building a terminal anew costs ~100 ms on
 * a slow machine (xterm measures its glyphs and allocates a row per replayed line), which is
 * most of a lane switch.
 *
 * Memory is what parking costs, so the pool is bounded twice: at most PARKED_MAX terminals,
 * and at most PARKED_LINES buffer lines among them; past either, the longest-hidden ones
 * are disposed (and rebuilt from the host's log when next shown, as before the pool).
 */
export const PARKED_MAX = 8;
export const PARKED_LINES = 30_000;

export interface Parkable {
  readonly agentId: string;
  /** Lines the terminal's buffer holds (scrollback and screen). */
  lines(): number;
  dispose(): void;
}

export class TerminalPool<S extends Parkable> {
  /** Parked sessions, longest-hidden first (a Map keeps insertion order). */
  private readonly parked = new Map<string, S>();

  constructor(
    private readonly limits: { max: number; lines: number } = { max: PARKED_MAX, lines: PARKED_LINES },
  ) {}

  /** The agent's parked session, taken out of the pool, or a new one from `create`. */
  take(agentId: string, create: () => S): S {
    const session = this.parked.get(agentId);
    if (!session) return create();
    this.parked.delete(agentId);
    return session;
  }

  /**
   * A session no longer shown. `exists` says which agents still exist: a removed agent's
   * terminal is disposed now rather than when it ages out.
   */
  park(session: S, exists: (agentId: string) => boolean): void {
    const other = this.parked.get(session.agentId);
    if (other !== undefined && other !== session) this.drop(session.agentId, other); // two of one agent's: the newer is kept
    this.parked.delete(session.agentId);
    this.parked.set(session.agentId, session);
    this.prune(exists);
    let lines = 0;
    for (const s of this.parked.values()) lines += s.lines();
    for (const [id, s] of this.parked) {
      if (this.parked.size <= this.limits.max && lines <= this.limits.lines) break;
      lines -= s.lines();
      this.drop(id, s);
    }
  }

  /** Disposes the parked terminals of agents that no longer exist (removed meanwhile). */
  prune(exists: (agentId: string) => boolean): void {
    for (const [id, s] of this.parked) {
      if (!exists(id)) this.drop(id, s);
    }
  }

  /** Agent ids parked, longest-hidden first (for tests and diagnostics). */
  ids(): string[] {
    return [...this.parked.keys()];
  }

  private drop(id: string, session: S): void {
    this.parked.delete(id);
    session.dispose();
  }
}
