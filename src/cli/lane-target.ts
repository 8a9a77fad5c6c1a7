import { callHost, type CallFailure } from '../host-client/call-host';
import type { Lane } from '../shared/lanes';
import type { Repo } from '../shared/repo';
import type { CliContext } from './cli-context';
import { ExitCode } from './exit-codes';

/**
 * Which repository and lane a verb means. The repository is the one given with --repo
 * (name or id), else the only one registered, else the one whose MAIN or lane contains
 * the current directory.
 */
export type Target = { url: string; token: string };

export async function pickRepo(ctx: CliContext, target: Target, wanted: string | undefined): Promise<Repo | null> {
  const r = await callHost(target, 'repos.list', {});
  if (!r.ok) {
    fail(ctx, r.error);
    return null;
  }
  const repos = r.value.repos;
  const cwd = process.cwd();
  let match = wanted ? repos.filter((x) => x.name === wanted || x.id === wanted) : repos.length === 1 ? repos : repos.filter((x) => cwd === x.mainPath || cwd.startsWith(x.mainPath + '/'));
  if (!wanted && match.length === 0 && repos.length > 1) {
    const lanes = await callHost(target, 'lanes.list', {});
    if (lanes.ok) {
      const here = lanes.value.lanes.find((l) => cwd === l.path || cwd.startsWith(l.path + '/'));
      match = here ? repos.filter((x) => x.id === here.repoId) : [];
    }
  }
  if (match.length === 1) return match[0]!;
  say(ctx, {
    code: repos.length === 0 ? 'repo_unknown' : wanted ? 'repo_unknown' : 'repo_ambiguous',
    message:
      repos.length === 0
        ? 'No repository is registered. Register MAIN first: grove repo add PATH'
        : wanted
          ? `No repository named ${wanted} (registered: ${repos.map((x) => x.name).join(', ')}).`
          : `Say which repository with --repo (one of: ${repos.map((x) => x.name).join(', ')}).`,
  });
  return null;
}

/** A Grove lane of the repository by name, or null after saying so. */
export async function findLane(ctx: CliContext, target: Target, repo: Repo, name: string): Promise<Lane | null> {
  const lanes = await callHost(target, 'lanes.list', { repoId: repo.id });
  if (!lanes.ok) {
    fail(ctx, lanes.error);
    return null;
  }
  const lane = lanes.value.lanes.find((l) => l.name === name && !l.adoptable);
  if (!lane) say(ctx, { code: 'lane_unknown', message: `${repo.name} has no lane named ${name}. See \`grove lane list\`.` });
  return lane ?? null;
}

/** A refusal of the CLI's own, said as the host's are: `{ok: false, error}` on stdout with --json, the sentence on stderr without. */
export function say(ctx: CliContext, error: { code: string; message: string }): void {
  if (ctx.json) ctx.out(JSON.stringify({ ok: false, error }));
  else ctx.errOut(error.message);
}

export function fail(ctx: CliContext, error: CallFailure): number {
  say(ctx, error);
  return error.code === 'unreachable' ? ExitCode.unreachable : ExitCode.failed;
}
