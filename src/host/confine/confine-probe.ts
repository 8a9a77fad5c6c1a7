import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolveCommand } from '../terminals/resolve-command';

/** Whether this machine can confine an agent, and with what; or why not, in words for the operator. */
export type ConfineAvailability =
  /** `closer` (bubblewrap only): the bash that closes inherited descriptors before it (agent-confinement.ts). */
  | { ok: true; mechanism: 'bwrap'; program: string; closer: string }
  | { ok: true; mechanism: 'sandbox-exec'; program: string }
  | { ok: false; reason: string };

/** How a trial sandbox went: as much of spawnSync's answer as the probe reads. */
export interface TrialRun {
  error?: Error;
  status: number | null;
  signal?: NodeJS.Signals | null;
  stderr?: string | null;
}

/** The OS as the probe asks it; tests give their own (a Mac's answers on this Linux machine). */
export interface ProbeSystem {
  run: (file: string, args: string[]) => TrialRun;
  isExecutable: (path: string) => boolean;
}

const THE_SYSTEM: ProbeSystem = {
  run: (file, args) => spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 }),
  isExecutable: (path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * Only the system's own: a sandbox-exec found on PATH could be anyone's. (Deprecated by
 * Apple since 10.15 and still shipped; Codex, Chromium and Bazel confine the same way.)
 */
export const SANDBOX_EXEC = '/usr/bin/sandbox-exec';

/**
 * Asks the OS once per host whether a trial sandbox works here, the only reliable answer:
 * on Linux, is bubblewrap installed and does it get a sandbox (it needs unprivileged user
 * namespaces, which some distributions and most containers turn off); on macOS, does
 * sandbox-exec apply one (it cannot inside another sandbox: a host started from a
 * sandboxed process is refused).
 */
export function probeConfinement(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, system: ProbeSystem = THE_SYSTEM): ConfineAvailability {
  if (platform === 'darwin') return probeSandboxExec(system);
  if (platform !== 'linux') return { ok: false, reason: `confinement is not available on ${platform}; agents run unconfined there` };
  // GROVE_BWRAP: a bubblewrap that is not on PATH (docs/configuration.md).
  const wanted = env.GROVE_BWRAP || 'bwrap';
  const program = resolveCommand(wanted, env.PATH, '/');
  if (!program) return { ok: false, reason: `bubblewrap (${wanted}) is not installed: install the "bubblewrap" package to confine agents` };
  const trial = system.run(program, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--', '/bin/sh', '-c', ':']);
  if (trial.error) return { ok: false, reason: `bubblewrap (${program}) could not be run: ${trial.error.message}` };
  if (trial.status !== 0) {
    return { ok: false, reason: `bubblewrap cannot make a sandbox here (${firstLine(trial)}): unprivileged user namespaces may be turned off; see "Confined lanes" in docs/operations.md` };
  }
  const closer = resolveCommand('bash', env.PATH, '/');
  if (!closer) return { ok: false, reason: 'bash is not installed, and Grove needs it to close what a confined agent must not inherit: install bash to confine agents' };
  return { ok: true, mechanism: 'bwrap', program, closer };
}

function probeSandboxExec(system: ProbeSystem): ConfineAvailability {
  if (!system.isExecutable(SANDBOX_EXEC)) return { ok: false, reason: `${SANDBOX_EXEC} is missing on this Mac; agents run unconfined` };
  const trial = system.run(SANDBOX_EXEC, ['-p', '(version 1)(allow default)', '/usr/bin/true']);
  if (trial.error) return { ok: false, reason: `sandbox-exec could not be run: ${trial.error.message}` };
  if (trial.status !== 0) return { ok: false, reason: `sandbox-exec cannot apply a sandbox here (${firstLine(trial)}); is Grove's host itself running in a sandbox?` };
  return { ok: true, mechanism: 'sandbox-exec', program: SANDBOX_EXEC };
}

function firstLine(trial: TrialRun): string {
  return (trial.stderr ?? '').trim().split('\n')[0] || `exit ${trial.status ?? trial.signal}`;
}
