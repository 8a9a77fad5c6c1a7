import { spawnSync } from 'node:child_process';
import { resolveCommand } from '../terminals/resolve-command';

/** Whether this machine can confine an agent, and with what; or why not, in words for the operator. */
export type ConfineAvailability = { ok: true; mechanism: 'bwrap'; program: string } | { ok: false; reason: string };

/**
 * Asks the OS once per host: is bubblewrap installed, and does it get a sandbox here (it
 * needs unprivileged user namespaces, which some distributions and most containers turn
 * off)? A trial run answers the second question the only reliable way.
 */
export function probeConfinement(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): ConfineAvailability {
  if (platform === 'darwin') return { ok: false, reason: 'confinement on macOS (sandbox-exec) is not built yet; agents run unconfined there' };
  if (platform !== 'linux') return { ok: false, reason: `confinement is not available on ${platform}; agents run unconfined there` };
  // GROVE_BWRAP: a bubblewrap that is not on PATH (docs/configuration.md).
  const wanted = env.GROVE_BWRAP || 'bwrap';
  const program = resolveCommand(wanted, env.PATH, '/');
  if (!program) return { ok: false, reason: `bubblewrap (${wanted}) is not installed: install the "bubblewrap" package to confine agents` };
  const trial = spawnSync(program, ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--die-with-parent', '--', '/bin/sh', '-c', ':'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (trial.error) return { ok: false, reason: `bubblewrap (${program}) could not be run: ${trial.error.message}` };
  if (trial.status !== 0) {
    const said = (trial.stderr ?? '').trim().split('\n')[0] || `exit ${trial.status ?? trial.signal}`;
    return { ok: false, reason: `bubblewrap cannot make a sandbox here (${said}); unprivileged user namespaces may be turned off` };
  }
  return { ok: true, mechanism: 'bwrap', program };
}
