import { z } from 'zod';
import { HealthConfig } from './health';
import { OpsCheckout } from './ops';

/**
 * `grove.yaml`: a repository's recipe for its lanes, committed at the root of MAIN and
 * shared by the team; a per-user override file in the data dir is laid over it (see
 * docs/configuration.md). Every key is optional: a repository without the file gets
 * plain worktrees beside MAIN. Strings marked "templated" may use {{lane}}, {{branch}},
 * {{repo}}, {{path}}, {{main}}, {{port}} and {{port+N}} (N from 0 to 9).
 */

/** A shell command line (run with `sh -c` in the directory the section names). */
const Command = z.string().min(1, 'a command must not be empty');

/** A file to bring from MAIN into a new lane. A plain string is a glob copied as is. */
export const CopyEntry = z.union([
  z.string().min(1, 'a copy entry must not be empty'),
  z
    .object({
      /** A path or glob relative to MAIN (ignored files such as .env included). */
      from: z.string().min(1),
      /** Where it goes in the lane, relative to the lane; only for a single file. Default: the same path. */
      to: z.string().min(1).optional(),
      /** Replace {{lane}}, {{port}}, … inside the file's content. */
      template: z.boolean().optional(),
      /** Dotenv keys to set (added when missing), values templated: APP_URL: http://{{lane}}.test */
      set: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a dotenv key is letters, digits and _'), z.string()).optional(),
    })
    .strict(),
]);
export type CopyEntry = z.infer<typeof CopyEntry>;

export const GroveConfig = z
  .object({
    lanes: z
      .object({
        /** Directory that holds the lanes, relative to MAIN. Default: `..` (beside MAIN). */
        root: z.string().min(1).optional(),
        /** New lanes are key-less unless asked otherwise (their copied dotenv files lose `setup.stripKeys`). */
        keyless: z.boolean().optional(),
        /** Agents in lanes (and the ops loop) run confined where the OS allows it (docs/operations.md). Default true. */
        confine: z.boolean().optional(),
        /** More paths a confined agent cannot read: absolute, `~/…`, or relative to MAIN (e.g. `~/.aws`, `secrets`). */
        hidden: z.array(z.string().min(1, 'a hidden path must not be empty')).optional(),
        /** More paths a confined agent may write (a tool's cache): absolute or `~/…`. `~/.npm` and `~/.cache` always are. */
        // Refused when relative: there is no folder it could be relative to for every agent, and
        // one accepted and trusted but never mounted would leave the agent a read-only file system with no word why.
        writable: z.array(z.string().min(1, 'a writable path must not be empty').regex(/^(\/|~\/)/, 'a writable path is absolute or starts with ~/ (e.g. ~/.gradle)')).optional(),
        /** open (default), or none: a confined agent reaches nothing but Grove's own host. */
        network: z.enum(['open', 'loopback', 'none']).optional(),
      })
      .strict()
      .optional(),
    setup: z
      .object({
        copy: z.array(CopyEntry).optional(),
        /** Paths or globs symlinked from MAIN (e.g. shared playbooks); added to the lane's git exclude file. */
        link: z.array(z.string().min(1)).optional(),
        /** Dotenv keys (`*` allowed: `*_API_KEY`) removed from copied files in key-less lanes. */
        stripKeys: z.array(z.string().regex(/^[A-Za-z0-9_*]+$/, 'a key pattern is letters, digits, _ and *')).optional(),
        /** Run in MAIN before the worktree is made; a failure aborts the creation. */
        preCreate: z.array(Command).optional(),
        /** Run in the new lane after its files are in place (e.g. composer install). */
        postCreate: z.array(Command).optional(),
        /** Run in the lane before it is removed. */
        teardown: z.array(Command).optional(),
        /** Per command. Default 600. */
        timeoutSeconds: z.number().int().min(1).max(86400).optional(),
      })
      .strict()
      .optional(),
    ports: z
      .object({
        /** First port Grove may hand out; each lane gets a block of 10. Default 41000. */
        start: z.number().int().min(1024).max(65525).optional(),
        /** Last port Grove may hand out. Default 48999. */
        end: z.number().int().min(1033).max(65535).optional(),
      })
      .strict()
      .optional(),
    serve: z
      .object({
        /** A site recipe (Herd, Valet, Caddy…): run in the lane to link and unlink it. Templated. */
        site: z
          .object({ link: Command, unlink: Command, url: z.string().min(1) })
          .strict()
          .optional(),
        /** Or a server Grove supervises like an agent, e.g. `php artisan serve --port {{port}}`. Templated. */
        command: Command.optional(),
        /** Where the served lane answers (templated). Required with `command`. */
        url: z.string().min(1).optional(),
      })
      .strict()
      .refine((s) => !(s.site && s.command), 'give either serve.site or serve.command, not both')
      .refine((s) => !s.command || s.url, 'serve.command needs serve.url, e.g. http://127.0.0.1:{{port}}')
      .optional(),
    merge: z
      .object({
        /** ff: fast-forward when possible, else a merge commit; ff-only: refuse otherwise; no-ff: always a merge commit. */
        strategy: z.enum(['ff', 'ff-only', 'no-ff']).optional(),
        /** Run in the lane before merging (its tests); a failure stops the merge. */
        check: Command.optional(),
        /** The check runs the lane's own files, so it is confined like the lane's agents; false runs it as you (a check that needs Docker). Default true. */
        confine: z.boolean().optional(),
        /** Run in MAIN after the merge; a failure rolls MAIN back. */
        gate: Command.optional(),
        /** auto: roll back at once; ask: keep the merge and wait for the operator. Default auto. */
        rollback: z.enum(['auto', 'ask']).optional(),
        /** For check and gate. Default 600. */
        timeoutSeconds: z.number().int().min(1).max(86400).optional(),
      })
      .strict()
      .optional(),
    /** Probes that say whether MAIN still works (see src/shared/health.ts). */
    health: HealthConfig.optional(),
    /** Briefs dispatched to agents (docs/mcp.md). */
    dispatch: z
      .object({
        /** At most this many dispatched agents of this repository's project at once; the rest queue in waves. Default 3. */
        maxAgents: z.number().int().min(1).max(50).optional(),
        /** Where a good merge of a dispatched lane moves its brief. Default in_review. */
        onMerge: z.enum(['in_review', 'done']).optional(),
      })
      .strict()
      .optional(),
    /** The ops loop: a standing agent that watches MAIN (see src/shared/ops.ts). */
    ops: z
      .object({
        /** The agent's command line, run with `sh -c` in the ops checkout, e.g. `claude "/loop watch MAIN"`. Templated. */
        command: Command,
        /** worktree: its own checkout at MAIN's HEAD, following every merge; main: MAIN itself, read-only. Default worktree. */
        checkout: OpsCheckout.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type GroveConfig = z.infer<typeof GroveConfig>;

/** One thing wrong with a config file, placed so an editor can jump to it. */
export const ConfigProblem = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  column: z.number().int().nullable(),
  /** Dotted path of the key, e.g. `setup.copy[1].to`; empty for the document itself. */
  key: z.string(),
  message: z.string(),
});
export type ConfigProblem = z.infer<typeof ConfigProblem>;

/** The effective config of a repository and where it came from. */
export const RepoConfig = z.object({
  config: GroveConfig,
  files: z.array(z.object({ path: z.string(), exists: z.boolean(), role: z.enum(['repository', 'user']) })),
  problems: z.array(ConfigProblem),
});
export type RepoConfig = z.infer<typeof RepoConfig>;
