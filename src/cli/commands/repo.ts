import { resolve } from 'node:path';
import { callHost } from '../../host-client/call-host';
import { requireHost } from '../require-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';

/** `grove repo add PATH`, `grove repo list [--json]`. */
export async function repoCommand(ctx: CliContext, args: string[]): Promise<number> {
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const { target } = host;
  const [verb, ...rest] = args;
  if (verb === 'add' && rest.length === 1) {
    const added = await callHost(target, 'repos.add', { path: resolve(rest[0]!) });
    if (!added.ok) {
      if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: added.error }));
      else ctx.errOut(added.error.message);
      return added.error.code === 'unreachable' ? ExitCode.unreachable : ExitCode.failed;
    }
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo: added.value.repo }));
    else ctx.out(`Registered ${added.value.repo.name}: MAIN is ${added.value.repo.mainPath}`);
    return ExitCode.ok;
  }
  if (verb === 'list' && rest.length === 0) {
    const listed = await callHost(target, 'repos.list', {});
    if (!listed.ok) {
      ctx.errOut(listed.error.message);
      return ExitCode.unreachable;
    }
    if (ctx.json) ctx.out(JSON.stringify({ repos: listed.value.repos }));
    else if (listed.value.repos.length === 0) ctx.out('No repositories yet. Register one: grove repo add PATH');
    else for (const r of listed.value.repos) ctx.out(`${r.name}\t${r.mainPath}`);
    return ExitCode.ok;
  }
  ctx.errOut('Usage: grove repo add PATH | grove repo list [--json]');
  return ExitCode.usage;
}
