import { dirname } from 'node:path';
import type { ConfineCeiling, Confinement } from '../../shared/agents';
import { ASKED_UNCONFINED } from '../../shared/confinement-words';
import type { GroveConfig } from '../../shared/config';
import type { LaneNetwork } from '../../shared/lanes';
import type { StatePath } from '../terminals/presets';
import { bwrapArgs } from './bwrap-args';
import { underCeiling } from './confine-ceiling';
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
  /** `open()` answers why the bridge cannot serve (null when it does). */
  bridge: { socketPath: string; open(): string | null; forwarder: readonly string[]; port(): number } | null;
  /** How a `network: loopback` agent reaches the machine's loopback under bwrap: the same forwarder, another socket. */
  loopbackBridge?: { socketPath: string; open(): string | null } | null;
  /** The host's loopback port: under sandbox-exec, the one a `network: none` agent may reach. */
  hostPort: () => number;
}

export interface ConfineRequest {
  lanePath: string;
  agentDir: string;
  /** The operator asked for this agent to run unconfined. */
  unconfined: boolean;
  /**
   * Started at a confined agent's request (confine-ceiling.ts): it must be confined too, with
   * no wider network and key-less if that one is, whatever its lane says or it asked; null:
   * as its lane says.
   */
  ceiling?: ConfineCeiling | null;
  statePaths: readonly StatePath[];
  env: Record<string, string>;
  /** Directories of the data dir it must read (the ops loop's status file's). */
  shown?: readonly string[];
  /** Only say what a launch would do (the launch dialog): nothing is made on disk. */
  preview?: boolean;
  /** How the operator runs it unconfined instead, said with a refusal; an agent's by default. */
  escape?: string;
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
 * Confinement that should hold but cannot be set up for this launch: the launch is refused
 * (the agent does not start, and says why), never run unconfined. Only the operator's
 * choices and a missing mechanism run an agent unconfined, never something the agent
 * could have arranged (its lane's files).
 */
export class ConfineRefused extends Error {}
const AGENT_ESCAPE = 'start it unconfined (--unconfined, or untick "Confine to the lane")';
/** An agent a confined agent asked for cannot be let out: the operator starts it instead. */
const CEILING_ESCAPE = "dispatch it yourself (the cockpit's Dispatch, or grove dispatch), which starts it as its lane says";

/** Why an agent with a ceiling may not run where it would run unconfined, in the words its refusal and its dispatch's use. */
export function beyondCeiling(reason: string, subject = 'it'): string {
  return `${subject} would run unconfined (${reason}), but a confined agent asked for it, and an agent cannot start one freer than itself`;
}

/**
 * Why an agent at `place` runs unconfined whatever it asks: grove.yaml turns confinement off,
 * or nothing confines here. Null when it is confined (unless it asked not to be).
 */
export function unconfinedBecause(place: WorkPlace | null, availability: () => ConfineAvailability): string | null {
  if (place?.config?.lanes?.confine === false) return 'grove.yaml turns confinement off (lanes.confine: false)';
  const available = availability();
  return available.ok ? null : available.reason;
}
const refused = (info: Confinement, why: string, escape = AGENT_ESCAPE): ConfinedLaunch => ({
  info,
  wrap: () => {
    throw new ConfineRefused(`cannot confine it: ${why}. Fix that, or ${escape}`);
  },
});

/**
 * Closes every descriptor but the terminal's before bubblewrap runs: node-pty's child
 * inherits the host's other PTY masters (and more) without close-on-exec, and bubblewrap
 * passes them on, so a confined agent could type into another agent's terminal. bash,
 * since it closes a descriptor of any number.
 */
const CLOSE_INHERITED_FDS = 'for f in /proc/self/fd/*; do n=${f##*/}; if [ "$n" -gt 2 ]; then eval "exec $n>&-" 2>/dev/null; fi; done; exec "$0" "$@"';

/**
 * Decides, at each start, whether the agent is confined: asked off at launch, turned off in
 * grove.yaml, not available here, or its paths not readable all run it unconfined, and
 * say why. Never silently: the reason is on the agent (its tab, `grove agent list`).
 */
export function confineLaunch(deps: ConfinementDeps, req: ConfineRequest): ConfinedLaunch {
  const ceiling = req.ceiling ?? null;
  // Running it unconfined instead is no way out for an agent a confined one asked for.
  const escape = ceiling === null ? req.escape : CEILING_ESCAPE;
  // Run unconfined when it would be, unless a confined agent asked for it: then not at all.
  const unconfinedFor = (reason: string): ConfinedLaunch =>
    ceiling === null ? unconfined(reason) : refused({ confined: false, mechanism: null, reason, network: 'open' }, beyondCeiling(reason), CEILING_ESCAPE);
  if (req.unconfined) return unconfinedFor(ASKED_UNCONFINED);
  // A directory that is no lane of a known repository is still confined: to itself, and
  // away from Grove's data dir; there is just no MAIN to keep read-only.
  const place = deps.placeOf(req.lanePath) ?? { mainPath: null, config: null, keyless: false };
  const because = unconfinedBecause(place, deps.availability);
  if (because !== null) return unconfinedFor(because);
  // Available, as unconfinedBecause found: asked once, the answer stands for the host's life.
  const available = deps.availability() as Extract<ConfineAvailability, { ok: true }>;
  // The lane's own setting is the operator's, made for this lane: it wins over the recipe's
  // default either way (an `open` lane in a `none` repository included). A ceiling narrows it.
  const network = underCeiling(place.network ?? place.config?.lanes?.network ?? 'open', ceiling);
  const config: GroveConfig = { ...place.config, lanes: { ...place.config?.lanes, network } };
  if (req.preview) {
    return { info: { confined: true, mechanism: available.mechanism, reason: null, network }, wrap: () => { throw new Error('a preview launches nothing'); } };
  }
  const would: Confinement = { confined: true, mechanism: available.mechanism, reason: null, network };
  const viaBridge = available.mechanism === 'bwrap' ? bridgeFor(network, deps) : null;
  if (network !== 'open' && available.mechanism === 'bwrap' && !viaBridge) {
    return refused(would, `with network ${network} it reaches Grove's host over a Unix socket in the data dir, whose path is too long for one (${deps.dataDir}); use a shorter GROVE_HOME`, escape);
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
        ownerHome: deps.home,
        env: req.env,
        statePaths: req.statePaths,
        config,
        // A key-less ceiling hides MAIN's keyed files as a key-less lane does.
        keyless: place.keyless || (ceiling?.keyless ?? false),
        // sandbox-exec lets the agent reach the host's port itself: no bridge to show.
        bridgeDir: viaBridge ? dirname(viaBridge.socketPath) : null,
        shown: req.shown ?? [],
      }),
    );
  } catch (e) {
    return refused(would, `its paths could not be read (${(e as Error).message})`, escape);
  }
  const info: Confinement = { confined: true, mechanism: available.mechanism, reason: null, network: policy.network };
  if (available.mechanism === 'sandbox-exec') {
    // No forwarder: the profile lets the agent reach the host's port and nothing else.
    const hostPort = (): number | null => (policy.network === 'none' ? deps.hostPort() : null);
    return { info, wrap: (file, args, env) => ({ file: available.program, args: sandboxExecArgs(policy, { hostPort: hostPort() }, file, args), env: { ...env, TMPDIR: policy.tmpDir } }) };
  }
  const broken = viaBridge?.open() ?? null;
  if (broken) return refused(info, `Grove's host cannot be reached from a namespace of the agent's own (network ${network}): ${broken}`, escape);
  return {
    info,
    wrap: (file, args, env) => {
      const [program, ...programArgs] = viaBridge ? [...viaBridge.forwarder(), '--', file, ...args] : [file, ...args];
      // bash drops PS1 and PS2 from a non-interactive shell's environment: bubblewrap sets them again.
      const prompts = ['PS1', 'PS2'].flatMap((k) => (env[k] !== undefined ? ['--setenv', k, env[k]] : []));
      const wrapped = [available.program, ...prompts, ...bwrapArgs(policy, program!, programArgs)];
      return { file: available.closer, args: ['-c', CLOSE_INHERITED_FDS, ...wrapped], env: withoutDesktopSessions({ ...env, TMPDIR: policy.tmpDir }) };
    },
  };
}

/** The socket a namespaced agent reaches out through, and its forwarder's command line (net-forward.ts). */
function bridgeFor(network: LaneNetwork, deps: ConfinementDeps): { socketPath: string; open(): string | null; forwarder(): string[] } | null {
  const host = deps.bridge;
  if (network === 'open' || !host) return null;
  if (network === 'none') return { socketPath: host.socketPath, open: () => host.open(), forwarder: () => [...host.forwarder, '--socket', host.socketPath, '--port', String(host.port())] };
  const loopback = deps.loopbackBridge;
  return loopback ? { socketPath: loopback.socketPath, open: () => loopback.open(), forwarder: () => [...host.forwarder, '--socket', loopback.socketPath, '--loopback'] } : null;
}

/**
 * The desktop's session sockets are ways out of any sandbox (D-Bus's `systemd-run --user`,
 * X11's synthetic keys): a confined agent is not told where they are, and their places are
 * hidden (confine-inputs.ts, DESKTOP_SOCKETS). So are the other servers that run what their
 * clients ask, as the user and outside: a terminal multiplexer (tmux, screen: a new window
 * runs anything), the ssh and gpg agents (ssh to this machine, or signing as the user), a
 * container daemon named by DOCKER_HOST, a Kerberos ticket cache.
 */
export const SESSION_VARIABLES = ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY', 'XAUTHORITY', 'TMUX', 'TMUX_PANE', 'STY', 'SSH_AUTH_SOCK', 'SSH_AGENT_PID', 'GPG_AGENT_INFO', 'DOCKER_HOST', 'KRB5CCNAME'];

function withoutDesktopSessions(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const k of SESSION_VARIABLES) delete out[k];
  return out;
}
