import { callHost } from '../../host-client/call-host';
import type { MergeCheck } from '../../shared/lanes';
import { callWithProgress } from '../call-with-progress';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { fail, findLane, pickRepo } from '../lane-target';
import { flagProblem, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';

/**
 * `grove merge NAME [--dry-run] [--commit MSG]`: the gated merge of a lane into MAIN;
 * `grove merge --rollback MERGE_ID`; `grove merges`: what went into MAIN through Grove.
 */
export const MERGE_USAGE = `Usage:
  grove merge NAME [--dry-run] [--commit MESSAGE] [--repo REPO]
  grove merge --rollback MERGE_ID
  grove merges [--repo REPO] [--json]`;

export async function mergeCommand(ctx: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, ['--repo', '--commit', '--rollback'], ['--dry-run']);
  const rollback = flags?.values.rollback;
  if (!flags) return usageError(ctx, MERGE_USAGE, ['merge'], flagProblem(args, ['--repo', '--commit', '--rollback'], ['--dry-run']));
  if (rollback && flags.positional.length) return usageError(ctx, MERGE_USAGE, ['merge', '--rollback'], `--rollback takes only the merge's id, not ${JSON.stringify(flags.positional[0])}.`);
  // A rollback has no dry run, no commit and no repository to choose: a flag it would ignore
  // (a --dry-run above all) must not let MAIN be rolled back by surprise.
  const ignored = rollback ? ['--dry-run', '--commit', '--repo'].filter((f) => flags.switches.has(f) || f.slice(2) in flags.values) : [];
  if (ignored.length) return usageError(ctx, MERGE_USAGE, ['merge', '--rollback'], `--rollback takes only the merge's id, not ${ignored.join(' ')}: see what a merge did with grove merges.`);
  if (!rollback && flags.switches.has('--dry-run') && 'commit' in flags.values) {
    return usageError(ctx, MERGE_USAGE, ['merge', '--dry-run'], '--dry-run is the preflight only and commits nothing: leave out --commit to check, or --dry-run to commit and merge.');
  }
  if (!rollback && flags.values.commit !== undefined && flags.values.commit.trim() === '') {
    return usageError(ctx, MERGE_USAGE, ['merge', '--commit'], '--commit needs the commit message: grove merge NAME --commit "what the lane did".');
  }
  if (!rollback && flags.positional.length !== 1) {
    return usageError(ctx, MERGE_USAGE, ['merge', 'NAME'], flags.positional.length ? `Unexpected argument ${JSON.stringify(flags.positional[1])}.` : 'NAME (the lane to merge) is missing.');
  }
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const target = host.target;
  if (rollback) {
    const r = await callWithProgress(target, 'merges.rollback', { id: rollback }); // waits out a merge's gate on the repository
    if (!r.ok) return fail(ctx, r.error);
    const { merge, keptRef } = r.value;
    ctx.out(
      ctx.json
        ? JSON.stringify({ ok: true, merge, keptRef })
        : `Rolled MAIN back to ${merge.mainBefore.slice(0, 12)} (before ${merge.laneName}).\nThe merged work is kept at ${keptRef}: git branch NAME ${keptRef} brings it back.`,
    );
    return ExitCode.ok;
  }
  const repo = await pickRepo(ctx, target, flags.values.repo);
  if (!repo) return ExitCode.failed;
  const lane = await findLane(ctx, target, repo, flags.positional[0]!);
  if (!lane) return ExitCode.failed;
  const dryRun = flags.switches.has('--dry-run');
  const r = await callWithProgress(
    target,
    'lanes.merge',
    { id: lane.id, ...(dryRun ? { dryRun: true } : {}), ...(flags.values.commit ? { commitMessage: flags.values.commit } : {}) },
    { repoId: repo.id, laneName: lane.name, kinds: ['lane.merge'] },
  );
  if (!r.ok) {
    const checks = (r.error as { details?: { checks?: MergeCheck[] } }).details?.checks;
    if (!ctx.json && checks?.length) ctx.errOut(formatChecks(checks));
    return fail(ctx, r.error);
  }
  if (ctx.json) {
    ctx.out(JSON.stringify({ ok: true, ...r.value }));
    return dryRun && r.value.checks.some((c) => !c.ok) ? ExitCode.failed : ExitCode.ok;
  }
  ctx.out(formatChecks(r.value.checks));
  if (dryRun) {
    const failed = r.value.checks.some((c) => !c.ok);
    ctx.out(failed ? `${lane.name} cannot be merged yet.` : `${lane.name} can be merged: grove merge ${lane.name}`);
    return failed ? ExitCode.failed : ExitCode.ok;
  }
  const m = r.value.merge!;
  ctx.out(`Merged ${lane.name} into MAIN (${m.strategy}, ${m.mainBefore.slice(0, 12)} → ${m.mainAfter.slice(0, 12)}); undo with grove merge --rollback ${m.id}.${r.value.laneRemoved ? ' The ephemeral lane and its branch are removed.' : ''}`);
  return ExitCode.ok;
}

export async function mergesCommand(ctx: CliContext, args: string[]): Promise<number> {
  const flags = parseFlags(args, ['--repo'], []);
  if (!flags || flags.positional.length) return usageError(ctx, MERGE_USAGE, ['merges'], flags ? `Unexpected argument ${JSON.stringify(flags.positional[0])}.` : flagProblem(args, ['--repo']));
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const repo = await pickRepo(ctx, host.target, flags.values.repo);
  if (!repo) return ExitCode.failed;
  const r = await callHost(host.target, 'merges.list', { repoId: repo.id });
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ merges: r.value.merges }));
  else if (r.value.merges.length === 0) ctx.out(`Nothing was merged into ${repo.name}'s MAIN through Grove yet.`);
  else for (const m of r.value.merges) ctx.out(`${m.at}  ${m.laneName.padEnd(16)} ${m.state.padEnd(17)} ${m.mainBefore.slice(0, 10)} → ${m.mainAfter.slice(0, 10)}  ${m.id}`);
  return ExitCode.ok;
}

function formatChecks(checks: MergeCheck[]): string {
  return checks
    .map((c) => `${c.ok ? '  ok  ' : '  FAIL'} ${c.name.padEnd(11)} ${c.message}${c.detail.length ? '\n' + c.detail.map((d) => `         ${d}`).join('\n') : ''}`)
    .join('\n');
}
