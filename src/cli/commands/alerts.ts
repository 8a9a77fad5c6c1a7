import { callHost } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail } from '../lane-target';
import { limitOption, parseCommand } from '../parse-command';
import { requireHost } from '../require-host';
import { usageError } from '../usage';

export const ALERTS_USAGE = `Usage:
  grove alerts [--limit N] [--json]   the latest alerts, newest first (default 20)`;

/** `grove alerts`: what the host raised for the operator (an agent went fatal, MAIN broke, a foreign commit). */
export async function alertsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const parsed = parseCommand(args, { limit: { type: 'string' } }, []);
  if (!parsed.ok) return usageError(ctx, ALERTS_USAGE, ['alerts'], parsed.message);
  const limit = limitOption(parsed.values.limit, 1000);
  if (typeof limit === 'string') return usageError(ctx, ALERTS_USAGE, ['alerts'], limit);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const [listed, repos, agents] = await Promise.all([
    callHost(host.target, 'alerts.list', { limit }),
    callHost(host.target, 'repos.list', {}),
    callHost(host.target, 'agents.list', {}),
  ]);
  if (!listed.ok) return fail(ctx, listed.error);
  if (ctx.json) {
    ctx.out(JSON.stringify({ alerts: listed.value.alerts }));
    return ExitCode.ok;
  }
  if (!listed.value.alerts.length) {
    ctx.out('No alerts.');
    return ExitCode.ok;
  }
  const repoName = new Map((repos.ok ? repos.value.repos : []).map((r) => [r.id, r.name]));
  const agentName = new Map((agents.ok ? agents.value.agents : []).map((a) => [a.id, a.name]));
  for (const a of listed.value.alerts) {
    const about = [a.repoId && (repoName.get(a.repoId) ?? a.repoId.slice(0, 8)), a.agentId && (agentName.get(a.agentId) ?? a.agentId.slice(0, 8))].filter(Boolean).join(', ');
    ctx.out(`${a.at.replace('T', ' ').slice(0, 19)}  ${about ? `[${about}] ` : ''}${a.message}`);
  }
  return ExitCode.ok;
}
