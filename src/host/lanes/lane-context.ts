import { basename } from 'node:path';
import type { GroveConfig } from '../../shared/config';
import type { Repo } from '../../shared/repo';
import type { TemplateVars } from '../config/template';
import type { LaneRecord } from './lane-store';
import { portEnv } from './ports';
import { keyPatternToRegExp } from './setup/dotenv-edit';
import { isSecretVariable } from '../terminals/agent-env';

/**
 * What a lane's commands (setup, teardown, check, serve) and agents get from Grove: the
 * template variables and the environment. Key-less lanes lose the variables that match
 * `setup.stripKeys`, the same patterns that strip their copied dotenv files.
 */
export function templateVarsOf(repo: Repo, lane: Pick<LaneRecord, 'name' | 'branch' | 'path' | 'port'>): TemplateVars {
  return { lane: lane.name, branch: lane.branch ?? '', repo: repo.name || basename(repo.mainPath), path: lane.path, main: repo.mainPath, port: lane.port };
}

export function laneCommandEnv(
  base: NodeJS.ProcessEnv,
  repo: Repo,
  lane: Pick<LaneRecord, 'name' | 'branch' | 'path' | 'port' | 'keyless'>,
  config: GroveConfig,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...mainCommandEnv(base, repo), ...laneEnv(repo, lane) };
  for (const key of withheldKeys(base, lane.keyless, config)) delete env[key];
  return env;
}

/** The variables every process of a lane gets. */
export function laneEnv(repo: Repo, lane: Pick<LaneRecord, 'name' | 'branch' | 'path' | 'port'>): Record<string, string> {
  return {
    GROVE_LANE_NAME: lane.name,
    GROVE_BRANCH: lane.branch ?? '',
    GROVE_MAIN: repo.mainPath,
    GROVE_REPO: repo.name,
    ...(lane.port !== null ? portEnv(lane.port) : {}),
  };
}

/**
 * What a key-less lane's agents go without when its grove.yaml may have problems: `known`,
 * the last config read without problems (null before any), decides as usual; with none,
 * every variable whose name says it holds a secret, or that holds a URL with a password, is
 * withheld. A typo in the file must not
 * hand out the keys the file withholds.
 */
export function withheldFor(env: NodeJS.ProcessEnv, keyless: boolean, known: GroveConfig | null): string[] {
  if (!keyless) return [];
  return known ? withheldKeys(env, keyless, known) : Object.keys(env).filter((k) => isSecretVariable(k, env[k]));
}

/** Names in `env` a key-less lane must not see. */
export function withheldKeys(env: NodeJS.ProcessEnv, keyless: boolean, config: GroveConfig): string[] {
  if (!keyless) return [];
  const patterns = (config.setup?.stripKeys ?? []).map(keyPatternToRegExp);
  return Object.keys(env).filter((k) => patterns.some((p) => p.test(k)));
}

/**
 * The environment of commands Grove runs in MAIN (the merge gate, probes), and the base of
 * a lane's (setup, check, serve). None gets the way to the operator's token: a lane's
 * check and postCreate run code an agent wrote (`npm test`).
 */
export function mainCommandEnv(base: NodeJS.ProcessEnv, repo: Repo): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GROVE_MAIN: repo.mainPath, GROVE_REPO: repo.name };
  delete env.GROVE_TOKEN;
  delete env.GROVE_HOME;
  // The shared MySQL's password (docs/sync.md) is the host's alone.
  delete env.GROVE_SYNC_PASSWORD;
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}
