/**
 * Every number the terminals capability runs on, in one place with its reason.
 */
export const TerminalConstants = {
  /** Output is gathered this long before it is logged and sent: fewer, larger frames under load. */
  batchMs: 5,
  /** …or until this many bytes are waiting, so a flood does not build up big batches. */
  batchMaxBytes: 64 * 1024,
  /**
   * Flow control, in bytes a client has been sent but has not yet acknowledged as parsed by
   * its terminal. Above the high watermark the PTY is paused (the agent blocks on write,
   * as it would on a slow real terminal); below the low one it resumes. Measured with
   * `npm run bench -- terminals`: 256 KiB / 32 KiB let the client's terminal run dry
   * between pauses (21 MB/s end to end); 1 MiB / 256 KiB keeps it busy (30 MB/s, the
   * terminal parser being the limit). A slow client still holds back only its own agent.
   */
  highWatermarkBytes: 1024 * 1024,
  lowWatermarkBytes: 256 * 1024,
  /** Clients acknowledge in steps of this size (or when output goes quiet). */
  ackEveryBytes: 32 * 1024,
  /** A client that keeps its agent paused this long is detached; it re-attaches with `since`. */
  stalledClientMs: 10_000,
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
} as const;
