import type { ConfinePolicy } from './confine-policy';

/**
 * bubblewrap's command line for a policy: the whole file system read-only, a fresh /dev and
 * /proc, then the policy's steps in order (a later mount wins), then the program.
 *
 * - `--unshare-pid` with its own /proc: the agent sees only its own processes, so it cannot
 *   read another agent's token (or the host's environment) from /proc/<pid>/environ. When
 *   the agent's first process ends, the kernel ends everything left in its namespace.
 * - `--die-with-parent`: a host that dies takes its agents with it, as unconfined ones are
 *   ended by the next host's reconcile; none keeps running unsupervised.
 * - No `--new-session`: the agent keeps the PTY as its controlling terminal (job control,
 *   Ctrl+C). The terminal it could push input into (TIOCSTI) is its own.
 * - `--unshare-net` for `network: none` and `loopback`: only the namespace's own loopback
 *   is left; the launch puts a forwarder in front of the program (net-forward.ts), to
 *   Grove's host alone or to every port the machine's loopback serves.
 */
export function bwrapArgs(policy: ConfinePolicy, program: string, args: readonly string[]): string[] {
  const out = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--unshare-pid', '--unshare-ipc', '--die-with-parent'];
  if (policy.network !== 'open') out.push('--unshare-net');
  const emptied: string[] = [];
  for (const step of policy.steps) {
    if (step.kind === 'scratch') out.push('--tmpfs', step.path);
    else if (step.kind === 'symlink') out.push('--symlink', step.target, step.path);
    else if (step.kind === 'writable') out.push('--bind', step.path, step.path);
    else if (step.kind === 'read-only') out.push('--ro-bind', step.path, step.path);
    else if (step.what === 'dir') {
      // Yours and 0700, as the places hidden mostly are: Codex's own sandbox refuses a
      // daemon dir that is anything else (confine-inputs.ts, CLI_DAEMON_DIRS).
      out.push('--perms', '0700', '--tmpfs', step.path);
      emptied.push(step.path);
    } else out.push('--ro-bind', '/dev/null', step.path);
  }
  // Read-only only now: a later step may have needed a mount point made inside it.
  for (const path of emptied) out.push('--remount-ro', path);
  out.push('--chdir', policy.cwd, '--', program, ...args);
  return out;
}
