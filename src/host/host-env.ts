import { z } from 'zod';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';
import { DEFAULT_STOP, type StopTimings } from './terminals/stop-agent-processes';
import { DEFAULT_RESTART, type RestartConfig } from './terminals/supervision';
import { TerminalConstants } from './terminals/terminal-constants';
import { SHARED_LEASE_RANGE } from './sync/shared-claims';
import { SYNC_TIMEOUT_RANGE } from './sync/sync-service';

/**
 * Host settings read from the environment (docs/configuration.md). Validated at start: a
 * wrong value stops the host with a message naming the variable, never a silent default.
 */
const Restart = z
  .object({
    minUptimeMs: z.number().int().min(0),
    initialBackoffMs: z.number().int().min(0),
    maxBackoffMs: z.number().int().min(0),
    maxUnstableRestarts: z.number().int().min(0),
    settledUptimeMs: z.number().int().min(0),
  })
  .partial()
  .strict();

export interface HostEnvSettings {
  restart: RestartConfig;
  stop: StopTimings;
  scrollbackBytes: number;
}

export function readHostEnv(env: NodeJS.ProcessEnv): Result<HostEnvSettings, string> {
  let restart: RestartConfig = DEFAULT_RESTART;
  if (env.GROVE_RESTART) {
    let raw: unknown;
    try {
      raw = JSON.parse(env.GROVE_RESTART);
    } catch {
      return err('GROVE_RESTART is not JSON; example: {"minUptimeMs":5000,"initialBackoffMs":1000,"maxBackoffMs":60000,"maxUnstableRestarts":5,"settledUptimeMs":600000}');
    }
    const parsed = Restart.safeParse(raw);
    if (!parsed.success) return err(`GROVE_RESTART: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ')}`);
    restart = { ...DEFAULT_RESTART, ...parsed.data };
  }
  const int = (name: string, fallback: number): Result<number, string> => {
    const v = env[name];
    if (v === undefined || v === '') return ok(fallback);
    const n = Number(v);
    return Number.isInteger(n) && n >= 0 ? ok(n) : err(`${name} must be a whole number, not ${JSON.stringify(v)}`);
  };
  const grace = int('GROVE_STOP_GRACE_MS', DEFAULT_STOP.graceMs);
  if (!grace.ok) return grace;
  const scrollback = int('GROVE_SCROLLBACK_BYTES', TerminalConstants.scrollbackBytes);
  if (!scrollback.ok) return scrollback;
  // Read where they are used (the sync modules); checked here so a wrong one stops the host.
  for (const [name, range] of [
    ['GROVE_SYNC_TIMEOUT_MS', SYNC_TIMEOUT_RANGE],
    ['GROVE_CLAIM_LEASE_MS', SHARED_LEASE_RANGE],
  ] as const) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const n = Number(v);
    if (!Number.isInteger(n) || n < range.min || n > range.max) return err(`${name} must be a whole number of milliseconds from ${range.min} to ${range.max}, not ${JSON.stringify(v)}`);
  }
  return ok({ restart, stop: { interruptMs: DEFAULT_STOP.interruptMs, graceMs: grace.value }, scrollbackBytes: Math.max(64 * 1024, scrollback.value) });
}
