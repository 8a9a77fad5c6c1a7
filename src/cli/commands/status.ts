import { callHost } from '../../host-client/call-host';
import { findHost } from '../../host-client/find-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { formatDuration, table } from '../format';

/** `grove status [--json]`: is a host running for this data dir, and what is it. */
export async function statusCommand(ctx: CliContext): Promise<number> {
  const found = await findHost(ctx.dataDir);
  if (!found.ok) {
    const running = found.error.kind !== 'not-running';
    if (ctx.json) {
      ctx.out(JSON.stringify({ running, dataDir: ctx.dataDir, error: { kind: found.error.kind, message: found.error.message } }));
    } else {
      ctx.errOut(found.error.message);
      if (!running) ctx.errOut('Start one with `grove host` (foreground) or `grove open` (background, opens the UI).');
    }
    return running ? ExitCode.unreachable : ExitCode.noHost;
  }
  const status = await callHost({ url: found.value.discovery.url, token: found.value.token }, 'host.status', {});
  if (!status.ok) {
    const message = `The host did not answer: ${status.error.message}`;
    if (ctx.json) ctx.out(JSON.stringify({ running: true, dataDir: ctx.dataDir, url: found.value.discovery.url, error: { kind: 'unreachable', message } }));
    else ctx.errOut(message);
    return ExitCode.unreachable;
  }
  const s = status.value;
  if (ctx.json) {
    ctx.out(JSON.stringify({ running: true, dataDir: ctx.dataDir, url: found.value.discovery.url, status: s }));
    return ExitCode.ok;
  }
  ctx.out(`Grove host ${s.version} (protocol ${s.protocolVersion}) is running.`);
  ctx.out(
    table([
      ['url', found.value.discovery.url],
      ['pid', String(s.pid)],
      ['uptime', formatDuration(s.uptimeMs)],
      ['data dir', s.dataDir],
      ['schema', `v${s.schemaVersion}`],
    ]),
  );
  return ExitCode.ok;
}
