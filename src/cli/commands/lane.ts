import type { Lane } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import { callHost, type CallFailure } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { requireHost } from '../require-host';

/**
 * `grove lane create|list|remove`. The repository is the one given with --repo (name or
 * id), else the only one registered, else the one whose MAIN contains the current directory.
 */
export const LANE_USAGE = `Usage:
  grove lane create NAME [--branch B] [--ephemeral] [--repo REPO]
  grove lane list [--repo REPO] [--json]
  grove lane remove NAME [--archive] [--repo REPO]`;

type Target = { url: string; token: string };

export async function laneCommand(ctx: CliContext, args: string[]): Promise<number> {
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const [verb, ...rest] = args;
  const flags = parseFlags(rest);
  if (!flags) {
    ctx.errOut(LANE_USAGE);
    return ExitCode.usage;
  }
  const repo = await pickRepo(ctx, host.target, flags.repo);
  if (!repo) return ExitCode.failed;
  switch (verb) {
    case 'create': {
      if (flags.positional.length !== 1) break;
      const r = await callHost(host.target, 'lanes.create', {
        repoId: repo.id,
        name: flags.positional[0]!,
        ...(flags.branch ? { branch: flags.branch } : {}),
        ...(flags.ephemeral ? { ephemeral: true } : {}),
      });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) ctx.out(JSON.stringify({ ok: true, lane: r.value.lane }));
      else ctx.out(`Created lane ${r.value.lane.name} on branch ${r.value.lane.branch} at ${r.value.lane.path}`);
      return ExitCode.ok;
    }
    case 'list': {
      if (flags.positional.length !== 0) break;
      const r = await callHost(host.target, 'lanes.list', { repoId: repo.id });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) ctx.out(JSON.stringify({ lanes: r.value.lanes }));
      else if (r.value.lanes.length === 0) ctx.out(`No lanes in ${repo.name} yet. Create one: grove lane create NAME`);
      else for (const l of r.value.lanes) ctx.out(`${l.name.padEnd(16)} ${(l.branch ?? '(detached)').padEnd(20)} ${l.kind.padEnd(9)} ${l.adoptable ? 'not Grove’s (adoptable)' : l.status}  ${l.path}`);
      return ExitCode.ok;
    }
    case 'remove': {
      if (flags.positional.length !== 1) break;
      const lanes = await callHost(host.target, 'lanes.list', { repoId: repo.id });
      if (!lanes.ok) return fail(ctx, lanes.error);
      const lane = lanes.value.lanes.find((l: Lane) => l.name === flags.positional[0] && !l.adoptable);
      if (!lane) {
        ctx.errOut(`${repo.name} has no lane named ${flags.positional[0]}. See \`grove lane list\`.`);
        return ExitCode.failed;
      }
      const r = await callHost(host.target, 'lanes.remove', { id: lane.id, ...(flags.archive ? { archive: true } : {}) });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) ctx.out(JSON.stringify({ ok: true, ...r.value }));
      else ctx.out(`Removed lane ${lane.name}; branch ${lane.branch ?? '(none)'} kept.${r.value.archiveRef ? ` Everything it held is in ${r.value.archiveRef}.` : ''}`);
      return ExitCode.ok;
    }
  }
  ctx.errOut(LANE_USAGE);
  return ExitCode.usage;
}

function parseFlags(args: string[]): { positional: string[]; repo?: string; branch?: string; ephemeral: boolean; archive: boolean } | null {
  const out: { positional: string[]; repo?: string; branch?: string; ephemeral: boolean; archive: boolean } = { positional: [], ephemeral: false, archive: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--ephemeral') out.ephemeral = true;
    else if (a === '--archive') out.archive = true;
    else if ((a === '--repo' || a === '--branch') && args[i + 1] !== undefined) out[a.slice(2) as 'repo' | 'branch'] = args[++i]!;
    else if (a.startsWith('--')) return null;
    else out.positional.push(a);
  }
  return out;
}

async function pickRepo(ctx: CliContext, target: Target, wanted: string | undefined): Promise<Repo | null> {
  const r = await callHost(target, 'repos.list', {});
  if (!r.ok) {
    ctx.errOut(r.error.message);
    return null;
  }
  const repos = r.value.repos;
  const cwd = process.cwd();
  const match = wanted
    ? repos.filter((x) => x.name === wanted || x.id === wanted)
    : repos.length === 1
      ? repos
      : repos.filter((x) => cwd === x.mainPath || cwd.startsWith(x.mainPath + '/'));
  if (match.length === 1) return match[0]!;
  ctx.errOut(
    repos.length === 0
      ? 'No repository is registered. Register MAIN first: grove repo add PATH'
      : `Say which repository with --repo (one of: ${repos.map((x) => x.name).join(', ')}).`,
  );
  return null;
}

function fail(ctx: CliContext, error: CallFailure): number {
  if (ctx.json) ctx.out(JSON.stringify({ ok: false, error }));
  else ctx.errOut(error.message);
  return error.code === 'unreachable' ? ExitCode.unreachable : ExitCode.failed;
}
