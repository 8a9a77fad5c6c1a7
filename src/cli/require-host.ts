import { findHost } from '../host-client/find-host';
import type { CliContext } from './cli-context';
import { ExitCode } from './exit-codes';

/**
 * The running host for a verb that needs one, or the exit code after telling the user why
 * there is none and how to start it.
 */
export async function requireHost(ctx: CliContext): Promise<{ ok: true; target: { url: string; token: string } } | { ok: false; code: number }> {
  const found = await findHost(ctx.dataDir);
  if (found.ok) return { ok: true, target: { url: found.value.discovery.url, token: found.value.token } };
  const notRunning = found.error.kind === 'not-running';
  ctx.errOut(`${found.error.message}${notRunning ? ' Start one with `grove host` or `grove open`.' : ''}`);
  return { ok: false, code: notRunning ? ExitCode.noHost : ExitCode.unreachable };
}
