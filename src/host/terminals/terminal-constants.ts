/**
 * Every number the terminals capability runs on, in one place with its reason.
 */
export const TerminalConstants = {
  /** Output is gathered this long before it is logged and sent: fewer, larger frames under load. */
  batchMs: 5,
  /** …or until this many bytes are waiting, so a flood does not build up big batches. */
  batchMaxBytes: 64 * 1024,
  /**
   * Flow control (flow-control.ts). The agent is never paused for a client: each client is
   * sent from the log as far as its credit goes, at most this many bytes sent and not yet
   * acknowledged as parsed. 512 KiB keeps a terminal busy between acks (it acknowledges every
   * 32 KiB) and bounds what the host and the socket hold per client.
   */
  clientWindowBytes: 512 * 1024,
  /**
   * A client that may jump and is this far behind the log's end (past what it acknowledged)
   * jumps to a restart point near the end. 2 MiB is about what xterm.js parses in a frame
   * budget of 100 ms (it parses 20-30 MB/s): more than that would show a slide show of old
   * frames. Must exceed the window plus the restart search below, so a jump always lands
   * ahead of what the client was already sent.
   */
  jumpBehindBytes: 2 * 1024 * 1024,
  /**
   * A client that attaches fresh (a pane opened on an agent) is replayed what the log keeps,
   * paced by credit, when it is at most this much: the default cap's most (8 MiB and half a
   * segment). A longer log (a raised cap) would take seconds to parse: such a client starts
   * at a restart point near the end instead (a jump with reason `attach`).
   */
  attachReplayBytes: 12 * 1024 * 1024,
  /** A restart point is looked for in this last stretch of the log… */
  restartSearchBytes: 256 * 1024,
  /** …and without a screen-wide sequence there, the last this many bytes are sent (many screens of lines). */
  restartPlainBytes: 64 * 1024,
  /** Largest output frame. */
  frameBytes: 128 * 1024,
  /** Clients acknowledge in steps of this size (or when output goes quiet). */
  ackEveryBytes: 32 * 1024,
  /** The log cannot take bytes (the disk is full): the agent is paused and the write retried this often. */
  logRetryMs: 1000,
  /** Recent output kept in memory for fast re-attach; the rest is read from the log file. */
  memoryTailBytes: 512 * 1024,
  /** Default cap of the on-disk scrollback per agent. */
  scrollbackBytes: 8 * 1024 * 1024,
  /** Stop: SIGINT, then SIGTERM after this, then SIGKILL after the grace period. */
  interruptMs: 1000,
  stopGraceMs: 5000,
  /** Without a stronger signal, an agent quiet this long after output is `idle`. */
  quietIdleMs: 2000,
} as const;

export const RestartDefaults = {
  /** A run shorter than this was not stable. */
  minUptimeMs: 5000,
  initialBackoffMs: 1000,
  maxBackoffMs: 60_000,
  /** Unstable restarts allowed before the agent is `fatal`. */
  maxUnstableRestarts: 5,
  /** A run at least this long has settled: a crash after it restarts at once, with no backoff. */
  settledUptimeMs: 600_000,
} as const;
