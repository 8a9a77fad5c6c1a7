import { callHost } from '../../host-client/call-host';
import { isPidAlive } from '../../host-client/find-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail } from '../lane-target';
import { requireHost } from '../require-host';

/** How long a host may take to stop its agents and close its store before we say so. */
const STOP_WAIT_MS = 60_000;

/**
 * `grove host stop`: asks the data dir's host to stop (`host.stop`: it answers, then stops
 * its agents, closes its store and releases its lock), and waits until its process is gone,
 * so a script may start another host right after.
 */
export async function hostStopCommand(ctx: CliContext): Promise<number> {
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const r = await callHost(host.target, 'host.stop', {});
  if (!r.ok) return fail(ctx, r.error);
  const { pid } = r.value;
  const deadline = Date.now() + STOP_WAIT_MS;
  while (isPidAlive(pid)) {
    if (Date.now() > deadline) {
      ctx.errOut(`The host (pid ${pid}) was asked to stop but still runs after ${STOP_WAIT_MS / 1000} s; see its log in ${ctx.dataDir}/logs.`);
      return ExitCode.failed;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, stopped: true, pid }));
  else ctx.out(`Stopped the host (pid ${pid}).`);
  return ExitCode.ok;
}
