import { z } from 'zod';

/**
 * MAIN's health: the probes a repository declares in grove.yaml (`health.probes`), what
 * one run of a probe found, and MAIN's state computed from the latest runs. The probes
 * themselves run in src/host/health (probe-command.ts, probe-http.ts); the state machine
 * is src/host/health/health-state.ts.
 *
 * Like every grove.yaml value, a probe's optional numbers are left unset by the schema;
 * `probeSettings` fills in the defaults, so they are written down once.
 */

export const ProbeDefaults = {
  timeoutSeconds: 10,
  intervalSeconds: 60,
  /** Consecutive failed runs before the probe counts as failing (and MAIN as broken). */
  failureThreshold: 2,
  httpMethod: 'GET',
  expectStatus: 200,
  /** After MAIN changes, how long to wait for the changes to settle before probing. */
  debounceMs: 1000,
} as const;

/** Kept of a probe's output (the end of it), in UTF-16 code units, like setup commands. */
export const PROBE_OUTPUT_TAIL_CHARS = 8 * 1024;

const probeTiming = {
  /** Letters, digits, - and _; unique within the repository. */
  name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a probe name is 1 to 64 letters, digits, - and _'),
  /** One run's limit. Default 10. */
  timeoutSeconds: z.number().int().min(1).max(3600).optional(),
  /** How often it runs, besides right after MAIN changes. Default 60. */
  intervalSeconds: z.number().int().min(1).max(86400).optional(),
  /** Consecutive failed runs before MAIN is broken. Default 2. */
  failureThreshold: z.number().int().min(1).max(100).optional(),
};

/** A shell command line run with `sh -c` in MAIN, with MAIN's environment; exit 0 passes. */
export const CommandProbeSpec = z
  .object({
    ...probeTiming,
    command: z.string().min(1, 'a command must not be empty'),
  })
  .strict();
export type CommandProbeSpec = z.infer<typeof CommandProbeSpec>;

/** A request whose answer must have the expected status. Redirects are followed. */
export const HttpProbeSpec = z
  .object({
    ...probeTiming,
    http: z
      .object({
        url: z.string().regex(/^https?:\/\/\S+$/, 'an HTTP probe url starts with http:// or https://'),
        /** Default GET. */
        method: z.enum(['GET', 'HEAD']).optional(),
        /** Default 200. */
        expectStatus: z.number().int().min(100).max(599).optional(),
      })
      .strict(),
  })
  .strict();
export type HttpProbeSpec = z.infer<typeof HttpProbeSpec>;

export const ProbeSpec = z.union([CommandProbeSpec, HttpProbeSpec]);
export type ProbeSpec = z.infer<typeof ProbeSpec>;

/** grove.yaml's `health` key. */
export const HealthConfig = z
  .object({
    probes: z.array(ProbeSpec).superRefine((probes, ctx) => {
      const firstIndex = new Map<string, number>();
      probes.forEach((probe, i) => {
        const first = firstIndex.get(probe.name);
        if (first === undefined) {
          firstIndex.set(probe.name, i);
          return;
        }
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          input: probe.name,
          message: `health.probes[${i}].name: "${probe.name}" is already the name of health.probes[${first}]; give each probe its own name`,
        });
      });
    }),
    /** After MAIN changes (HEAD moved, a merge, file edits), wait this long, then probe. Default 1000. */
    debounceMs: z.number().int().min(0).max(600_000).optional(),
  })
  .strict();
export type HealthConfig = z.infer<typeof HealthConfig>;

export function isCommandProbe(spec: ProbeSpec): spec is CommandProbeSpec {
  return 'command' in spec;
}

/** A probe's numbers with the defaults filled in. */
export function probeSettings(spec: ProbeSpec): { timeoutMs: number; intervalMs: number; failureThreshold: number } {
  return {
    timeoutMs: (spec.timeoutSeconds ?? ProbeDefaults.timeoutSeconds) * 1000,
    intervalMs: (spec.intervalSeconds ?? ProbeDefaults.intervalSeconds) * 1000,
    failureThreshold: spec.failureThreshold ?? ProbeDefaults.failureThreshold,
  };
}

/** What one run of a probe found. */
export const ProbeResult = z.object({
  probe: z.string(),
  ok: z.boolean(),
  /** When the run started (ISO 8601). */
  at: z.string(),
  durationMs: z.number().int().min(0),
  /** One line: `exit 255`, `HTTP 500 Internal Server Error (expected 200)`, `no answer within 10 s`… */
  detail: z.string(),
  /** The end of the output (a command's stdout and stderr, a response's body), secrets masked. */
  outputTail: z.string().max(PROBE_OUTPUT_TAIL_CHARS),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

/**
 * passing: its latest run passed. failing: its latest `failureThreshold` runs failed.
 * unknown: it has not passed yet (never ran, or failed fewer times than the threshold).
 * A passing probe that fails once stays passing, with consecutiveFailures 1 (MAIN degraded).
 */
export const ProbeState = z.enum(['passing', 'failing', 'unknown']);
export type ProbeState = z.infer<typeof ProbeState>;

/**
 * broken: some probe is failing. degraded: none is, but some probe's latest run failed.
 * unknown: none failed its latest run, but some probe has never run (or none is declared).
 * healthy: every probe passed its latest run. untrusted: the repository's commands are not
 * trusted (never, or they changed since), so no probe runs (see src/shared/trust.ts).
 */
export const MainHealthState = z.enum(['healthy', 'degraded', 'broken', 'unknown', 'untrusted']);
export type MainHealthState = z.infer<typeof MainHealthState>;

export const ProbeHealth = z.object({
  name: z.string(),
  state: ProbeState,
  consecutiveFailures: z.number().int().min(0),
  last: ProbeResult.nullable(),
});
export type ProbeHealth = z.infer<typeof ProbeHealth>;

export const MainHealth = z.object({
  state: MainHealthState,
  probes: z.array(ProbeHealth),
  /**
   * Set while grove.yaml (or the per-user override) is invalid: its problems, one per line
   * (`file:line: what is wrong`). The probes are then the last valid ones, still running;
   * `grove health` exits 1 and the UI says "config invalid".
   */
  configProblems: z.array(z.string()).optional(),
});
export type MainHealth = z.infer<typeof MainHealth>;
