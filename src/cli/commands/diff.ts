import { callHost } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { fail, findLane, pickRepo } from '../lane-target';
import { flagProblem, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';
import { count } from '../../shared/plural';

/** `grove diff NAME [--stat]`: the lane's changes against MAIN, uncommitted edits included. */
export const DIFF_USAGE = 'Usage: grove diff NAME [--stat] [--repo REPO] [--json]';

export async function diffCommand(ctx: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, ['--repo'], ['--stat']);
  if (!flags) return usageError(ctx, DIFF_USAGE, ['diff'], flagProblem(args, ['--repo'], ['--stat']));
  if (flags.positional.length !== 1) return usageError(ctx, DIFF_USAGE, ['diff'], flags.positional.length ? `Unexpected argument ${JSON.stringify(flags.positional[1])}.` : 'NAME (the lane) is missing.');
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const repo = await pickRepo(ctx, host.target, flags.values.repo);
  if (!repo) return ExitCode.failed;
  const lane = await findLane(ctx, host.target, repo, flags.positional[0]!);
  if (!lane) return ExitCode.failed;
  const r = await callHost(host.target, 'lanes.diff', { id: lane.id }, 60_000);
  if (!r.ok) return fail(ctx, r.error);
  const d = r.value.diff;
  if (ctx.json) {
    ctx.out(JSON.stringify({ diff: d }));
    return ExitCode.ok;
  }
  ctx.out(`${lane.name} vs ${d.mainBranch}: ${count(d.ahead.length, 'commit')} ahead, ${d.behind} behind${d.uncommitted ? ', with uncommitted edits' : ''}`);
  for (const c of d.ahead) ctx.out(`  ${c.sha.slice(0, 10)} ${c.subject}`);
  const width = Math.max(0, ...d.files.map((f) => f.path.length));
  for (const f of d.files) ctx.out(`  ${f.status.padEnd(12)} ${f.path.padEnd(width)}  ${f.binary ? 'binary' : `+${f.additions} -${f.deletions}`}${f.oldPath ? `  (from ${f.oldPath})` : ''}`);
  if (!flags.switches.has('--stat') && d.patch) {
    ctx.out('');
    ctx.out(d.patch);
    if (d.truncated) ctx.out('(the diff was cut at 2 MiB)');
  }
  return ExitCode.ok;
}
