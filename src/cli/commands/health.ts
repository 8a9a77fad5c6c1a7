import { callHost } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, parseFlags } from '../lane-target';
import { requireHost } from '../require-host';

/** `grove health [--json]`: each repository's MAIN health from its probes. Exit 1 if any MAIN is broken. */
export async function healthCommand(ctx: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, [], []);
  if (!flags || flags.positional.length) {
    ctx.errOut('Usage: grove health [--json]');
    return ExitCode.usage;
  }
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const [health, repos] = await Promise.all([callHost(host.target, 'health.get', {}), callHost(host.target, 'repos.list', {})]);
  if (!health.ok) return fail(ctx, health.error);
  if (!repos.ok) return fail(ctx, repos.error);
  const broken = health.value.repos.some((r) => r.health.state === 'broken');
  if (ctx.json) {
    ctx.out(JSON.stringify(health.value));
    return broken ? ExitCode.failed : ExitCode.ok;
  }
  if (health.value.repos.length === 0) ctx.out('No repositories yet. Register one: grove repo add PATH');
  for (const { repoId, health: h } of health.value.repos) {
    const name = repos.value.repos.find((r) => r.id === repoId)?.name ?? repoId;
    ctx.out(`${name}: MAIN is ${h.state}${h.probes.length === 0 ? ' (no probes in grove.yaml: add health.probes)' : ''}`);
    for (const p of h.probes) ctx.out(`  ${p.state.padEnd(8)} ${p.name.padEnd(16)} ${p.last ? `${p.last.detail} at ${p.last.at}` : 'not run yet'}`);
  }
  return broken ? ExitCode.failed : ExitCode.ok;
}
