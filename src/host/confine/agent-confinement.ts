import { dirname } from 'node:path';
import type { Confinement } from '../../shared/agents';
import type { GroveConfig } from '../../shared/config';
import type { LaneNetwork } from '../../shared/lanes';
import type { StatePath } from '../terminals/presets';
import { bwrapArgs } from './bwrap-args';
import { confineInputs } from './confine-inputs';
import { confinePolicy } from './confine-policy';
import type { ConfineAvailability } from './confine-probe';
import { sandboxExecArgs } from './sandbox-profile';

/** What Grove knows of the place an agent works in: its repository's MAIN and recipe, and the lane's own settings. */
export interface WorkPlace {
  mainPath: string | null;
  /** The recipe as usable (the per-user override laid over it); null when it cannot be read. */
  config: GroveConfig | null;
  keyless: boolean;
  /** The lane's own network (`lanes.setNetwork`); null or absent: the recipe's `lanes.network`, else open. */
  network?: LaneNetwork | null;
}

export interface ConfinementDeps {
  /** Asked once, at the first launch: the answer stands for the host's life. */
  availability: () => ConfineAvailability;
  placeOf: (lanePath: string) => WorkPlace | null;
  dataDir: string;
  home: string;
  /** How a `network: none` agent still reaches the host under bwrap (net-forward.ts, host-bridge.ts). */
  bridge: { socketPath: string; open(): void; forwarder: readonly string[]; port(): number } | null;
  /** The host's loopback port: under sandbox-exec, the one a `network: none` agent may reach. */
  hostPort: () => number;
}

export interface ConfineRequest {
  lanePath: string;
  agentDir: string;
  /** The operator asked for this agent to run unconfined. */
  unconfined: boolean;
  statePaths: readonly StatePath[];
  env: Record<string, string>;
  /** Directories of the data dir it must read (the ops loop's status file's). */
  shown?: readonly string[];
  /** Only say what a launch would do (the launch dialog): nothing is made on disk. */
  preview?: boolean;
}

/** How to run a program for one launch: wrapped (with TMPDIR set) or as it is, and what the agent's tab says. */
export interface ConfinedLaunch {
  info: Confinement;
  wrap: (file: string, args: string[], env: Record<string, string>) => { file: string; args: string[]; env: Record<string, string> };
}

const unconfined = (reason: string): ConfinedLaunch => ({
  info: { confined: false, mechanism: null, reason, network: 'open' },
  wrap: (file, args, env) => ({ file, args, env }),
});

/**
 * Decides, at each start, whether the agent is confined: asked off at launch, turned off in
 * grove.yaml, not available here, or its paths not readable all run it unconfined, and
 * say why. Never silently: the reason is on the agent (its tab, `grove agent list`).
 */
export function confineLaunch(deps: ConfinementDeps, req: ConfineRequest): ConfinedLaunch {
  if (req.unconfined) return unconfined('started unconfined, as asked at launch');
  // A directory that is no lane of a known repository is still confined: to itself, and
  // away from Grove's data dir; there is just no MAIN to keep read-only.
  const place = deps.placeOf(req.lanePath) ?? { mainPath: null, config: null, keyless: false };
  if (place.config?.lanes?.confine === false) return unconfined('grove.yaml turns confinement off (lanes.confine: false)');
  const available = deps.availability();
  if (!available.ok) return unconfined(available.reason);
  // The lane's own setting is the operator's, made for this lane: it wins over the recipe's
  // default either way (an `open` lane in a `none` repository included).
  const network = place.network ?? place.config?.lanes?.network ?? 'open';
  const config: GroveConfig = { ...place.config, lanes: { ...place.config?.lanes, network } };
  if (req.preview) {
    return { info: { confined: true, mechanism: available.mechanism, reason: null, network }, wrap: () => { throw new Error('a preview launches nothing'); } };
  }
  let policy;
  try {
    policy = confinePolicy(
      confineInputs({
        lanePath: req.lanePath,
        mainPath: place.mainPath,
        dataDir: deps.dataDir,
        agentDir: req.agentDir,
        home: req.env.HOME || deps.home,
        env: req.env,
        statePaths: req.statePaths,
        config,
        keyless: place.keyless,
        // sandbox-exec lets the agent reach the host's port itself: no bridge to show.
        bridgeDir: deps.bridge && available.mechanism === 'bwrap' ? dirname(deps.bridge.socketPath) : null,
        shown: req.shown ?? [],
      }),
    );
  } catch (e) {
    return unconfined(`its paths could not be read (${(e as Error).message})`);
  }
  const info: Confinement = { confined: true, mechanism: available.mechanism, reason: null, network: policy.network };
  if (available.mechanism === 'sandbox-exec') {
    // No forwarder: the profile lets the agent reach the host's port and nothing else.
    const hostPort = (): number | null => (policy.network === 'none' ? deps.hostPort() : null);
    return { info, wrap: (file, args, env) => ({ file: available.program, args: sandboxExecArgs(policy, { hostPort: hostPort() }, file, args), env: { ...env, TMPDIR: policy.tmpDir } }) };
  }
  const bridge = policy.network === 'none' ? deps.bridge : null;
  bridge?.open();
  return {
    info,
    wrap: (file, args, env) => {
      const [program, ...programArgs] = bridge ? [...bridge.forwarder, '--socket', bridge.socketPath, '--port', String(bridge.port()), '--', file, ...args] : [file, ...args];
      return { file: available.program, args: bwrapArgs(policy, program!, programArgs), env: { ...env, TMPDIR: policy.tmpDir } };
    },
  };
}
