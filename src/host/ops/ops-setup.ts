import { dirname, join } from 'node:path';
import type { GroveConfig } from '../../shared/config';
import type { Repo } from '../../shared/repo';
import { laneCommandEnv, templateVarsOf } from '../lanes/lane-context';
import { applyLaneFiles } from '../lanes/setup/lane-files';
import type { CommandGroups } from '../lanes/setup/command-groups';
import { howItEnded, runCommands } from '../lanes/setup/run-commands';
import { statusFilePath } from './status-file';

/**
 * The repository's setup recipe applied to the ops loop's own worktree, as to a new lane
 * (the same code: lane-files.ts and run-commands.ts): `setup.copy` and `setup.link` from
 * MAIN, then `setup.postCreate` in the checkout, with `{{lane}}` and GROVE_LANE_NAME =
 * `ops`. Without it a Laravel checkout has no .env (and no vendor/) and `php artisan`
 * fails there. preCreate and teardown are a lane's lifecycle and are not run. Never
 * throws: the result says what was done, or what failed.
 */
export const OPS_LANE_NAME = 'ops';

/**
 * The mark of a setup begun and not yet decided (done, or failed by the recipe): a host
 * stopped or killed during it leaves the mark, and the next host's start sets the checkout
 * up again; the checkout alone cannot tell, it is there either way. It sits beside the
 * status file, so the loop's stop (or its repository's removal) takes it away too.
 */
export function setupPendingPath(dataDir: string, repoId: string): string {
  return join(dirname(statusFilePath(dataDir, repoId)), 'setup-pending');
}

export type OpsSetupOutcome = { ok: true; done: string[] } | { ok: false; why: string; outputTail: string };

export async function setUpOpsCheckout(o: { repo: Repo; config: GroveConfig; path: string; baseEnv: NodeJS.ProcessEnv; groups?: CommandGroups }): Promise<OpsSetupOutcome> {
  const setup = o.config.setup ?? {};
  const lane = { name: OPS_LANE_NAME, branch: null, path: o.path, port: null, keyless: false };
  const done: string[] = [];
  if ((setup.copy?.length ?? 0) + (setup.link?.length ?? 0) > 0) {
    const files = await applyLaneFiles({ mainPath: o.repo.mainPath, lanePath: o.path, setup, vars: templateVarsOf(o.repo, lane), keyless: false });
    if (!files.ok) return { ok: false, why: `${files.path}: ${files.message}`, outputTail: '' };
    done.push(...files.copied.map((f) => `copied ${f}`), ...files.linked.map((f) => `linked ${f}`));
  }
  const postCreate = setup.postCreate ?? [];
  if (postCreate.length > 0) {
    const outcome = await runCommands(postCreate, {
      cwd: o.path,
      env: laneCommandEnv(o.baseEnv, o.repo, lane, o.config),
      timeoutMs: (setup.timeoutSeconds ?? 600) * 1000,
      onStep: () => undefined,
      onOutput: () => undefined,
      groups: o.groups,
    });
    if (!outcome.ok) return { ok: false, why: `"${outcome.command}" ${howItEnded(outcome)}`, outputTail: outcome.outputTail };
    done.push(...postCreate.map((c) => `ran ${c}`));
  }
  return { ok: true, done };
}
