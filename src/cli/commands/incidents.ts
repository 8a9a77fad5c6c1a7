import { callHost } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { incidentLines } from '../health-lines';
import { fail, pickRepo } from '../lane-target';
import { flagProblem, limitOption, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';
import { usageError } from '../usage';

const USAGE = 'Usage: grove incidents [--repo R] [--limit N] [--json]   MAIN\'s incidents, newest first';

/** `grove incidents`: when MAIN broke, which probe, what reached MAIN, how it recovered. */
export async function incidentsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, ['--repo', '--limit'], []);
  if (!flags) return usageError(ctx, USAGE, ['incidents'], flagProblem(args, ['--repo', '--limit']));
  if (flags.positional.length) return usageError(ctx, USAGE, ['incidents'], `Unexpected argument ${JSON.stringify(flags.positional[0])}.`);
  const limit = limitOption(flags.values.limit, 500);
  if (typeof limit === 'string') return usageError(ctx, USAGE, ['incidents'], limit);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const repo = flags.values.repo === undefined ? null : await pickRepo(ctx, host.target, flags.values.repo);
  if (flags.values.repo !== undefined && !repo) return ExitCode.failed;
  const [listed, repos] = await Promise.all([
    callHost(host.target, 'incidents.list', { ...(repo ? { repoId: repo.id } : {}), limit }),
    callHost(host.target, 'repos.list', {}),
  ]);
  if (!listed.ok) return fail(ctx, listed.error);
  if (!repos.ok) return fail(ctx, repos.error);
  if (ctx.json) {
    ctx.out(JSON.stringify(listed.value));
    return ExitCode.ok;
  }
  const { incidents } = listed.value;
  if (incidents.length === 0) {
    ctx.out('No incidents: MAIN has not been broken (as far as its probes said).');
    return ExitCode.ok;
  }
  const now = new Date();
  for (const i of incidents) {
    const name = repos.value.repos.find((r) => r.id === i.repoId)?.name ?? i.repoId;
    ctx.out(incidentLines(i, name, now).join('\n'));
  }
  return ExitCode.ok;
}
