/** What `grove` exits with; scripts may rely on these (docs/cli.md). */
export const ExitCode = {
  ok: 0,
  /** The host answered with an error (e.g. the repository is not a git checkout). */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** No host runs for the data dir (status), or one already runs (host). */
  noHost: 3,
  /** A host runs but cannot be used: it does not answer, or speaks another protocol. */
  unreachable: 4,
} as const;
