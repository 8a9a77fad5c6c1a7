import { z } from 'zod';

/**
 * Trust in a repository's commands. A repository is code from elsewhere: nothing its
 * grove.yaml (with the user's override) would run — probes, setup, check, gate, serve, ops —
 * runs until the operator has seen those commands and trusted them. Trust is bound to a
 * digest of the commands (src/host/trust/command-digest.ts); when a commit, a pull or an
 * edit changes any of them, Grove stops running them and asks again, showing the change.
 */

/**
 * untrusted: never trusted. changed: trusted once, but the commands are no longer the ones
 * trusted. trusted: the commands are the ones the operator trusted.
 */
export const TrustState = z.enum(['untrusted', 'changed', 'trusted']);
export type TrustState = z.infer<typeof TrustState>;

/** One thing grove.yaml makes Grove run or touch, e.g. `merge.gate` → `php artisan test`. */
export const CommandEntry = z.object({
  /** Where it is in grove.yaml, with probes by name: `health.probes[about].command`. */
  key: z.string(),
  /** What Grove does with it, in words: `probe (run in MAIN)`. */
  role: z.string(),
  value: z.string(),
});
export type CommandEntry = z.infer<typeof CommandEntry>;

/** A difference between the trusted commands and the current ones; null is "absent". */
export const CommandChange = z.object({
  key: z.string(),
  role: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
});
export type CommandChange = z.infer<typeof CommandChange>;

/** What `repos.commands` answers: everything the Trust step shows. */
export const RepoCommands = z.object({
  repoId: z.string(),
  state: TrustState,
  /** sha256 of the current commands (hex); give it to `repos.trust`. */
  digest: z.string(),
  commands: z.array(CommandEntry),
  /** The digest the operator trusted; null while never trusted. */
  trustedDigest: z.string().nullable(),
  trustedAt: z.string().nullable(),
  /** Trusted vs current; empty unless `state` is `changed`. */
  changes: z.array(CommandChange),
});
export type RepoCommands = z.infer<typeof RepoCommands>;
