import type { CommandGroups } from '../lanes/setup/command-groups';
import { PROBE_OUTPUT_TAIL_CHARS } from '../../shared/health';
import { envSecretMask } from '../env-secrets';

/**
 * What a probe keeps of its output: the end of it, with secrets masked — the host's own
 * (through `mask`) and the values of MAIN's environment variables whose names say they
 * are secret (DB_PASSWORD, APP_KEY…), since a failing `php artisan` may print its config.
 * Masking happens before the text is cut, so a secret is never cut in half and half-shown.
 */
export function probeOutputTail(text: string, env: NodeJS.ProcessEnv, mask: (text: string) => string): string {
  const masked = envSecretMask(env, mask)(text);
  const tail = masked.slice(-PROBE_OUTPUT_TAIL_CHARS);
  const first = tail.charCodeAt(0);
  return first >= 0xdc00 && first <= 0xdfff ? tail.slice(1) : tail; // never start inside a surrogate pair
}

export interface ProbeRunOptions {
  /** MAIN's directory. */
  cwd: string;
  /** MAIN's environment. */
  env: NodeJS.ProcessEnv;
  /** The run's limit (`probeSettings(spec).timeoutMs`, or shorter in tests). */
  timeoutMs: number;
  /** Masks the host's secrets (the logger's). Default: none besides the environment's. */
  mask?: (text: string) => string;
  /** Stops the run (the host is shutting down); the result says it was cancelled. */
  signal?: AbortSignal;
  now?: () => Date;
  /** Records a command probe's process group while it runs (see lanes/setup/command-groups.ts). */
  groups?: CommandGroups;
}

/** A probe's detail when its `signal` ended it before it had decided. */
export const CANCELLED = 'cancelled';

export const formatMs = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);
