import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GroveConfig } from '../../shared/config';
import type { LaneStore } from '../lanes/lane-store';
import { readRepoConfig, usableConfig } from '../lanes/repo-config';
import type { OpsStore } from '../ops/ops-store';
import type { RepoStore } from '../repos/repo-store';
import { untrustedConfinement } from '../trust/trusted-withholding';
import { confineLaunch, unconfinedBecause, type ConfinedLaunch, type ConfineRequest, type WorkPlace } from './agent-confinement';
import { probeConfinement, type ConfineAvailability } from './confine-probe';
import { HostBridge, MAX_SOCKET_PATH } from './host-bridge';

/**
 * The host's confinement: where an agent works (a lane, an ops checkout, MAIN) and its
 * repository's recipe, decided per launch; the OS asked once. A recipe that is not trusted
 * (its commands changed, or never reviewed) may tighten confinement (`hidden`, `network:
 * none`) but never loosen it: `confine: false` and `writable` are in what the operator
 * reviews when trusting (trust/command-digest.ts), and are ignored until then. A lane's own
 * network (`lanes.setNetwork`) is the operator's word and wins over the recipe's either way.
 */
export function confinementOf(d: {
  repos: RepoStore;
  lanes: LaneStore;
  ops: OpsStore;
  dataDir: string;
  /** The host's loopback port, for `network: none` agents' bridge. */
  port: () => number;
  probe?: () => ConfineAvailability;
}): {
  confine: (req: ConfineRequest) => ConfinedLaunch;
  /** Why an agent in a new lane of this repository would run unconfined (its recipe, or nothing confines here); null if it would not. */
  unconfinedReason: (repoId: string) => string | null;
  close: () => void;
} {
  let available: ConfineAvailability | null = null;
  const lastTightened = new Map<string, GroveConfig>();
  const availability = (): ConfineAvailability => (available ??= (d.probe ?? probeConfinement)());
  const placeOf = (lanePath: string): WorkPlace | null => {
    const lane = d.lanes.list().find((l) => l.path === lanePath);
    const repoId = lane?.repoId ?? d.repos.findByPath(lanePath)?.id ?? d.ops.list().find((o) => o.path === lanePath)?.repoId;
    return repoId ? placeIn(repoId, lane) : null;
  };
  const placeIn = (repoId: string, lane?: { keyless: boolean; network: WorkPlace['network'] }): WorkPlace | null => {
    const repo = d.repos.get(repoId);
    if (!repo) return null;
    const trusted = usableConfig(d.repos, repo, d.dataDir);
    const loaded = readRepoConfig(repo, d.dataDir);
    // A file with problems says nothing new, and loosens nothing either: what the last one
    // read without problems tightened (`hidden`, `network: none`) still holds.
    if (loaded.problems.length === 0) lastTightened.set(repo.id, tightenedOnly(loaded.config));
    // Nor does a change not trusted yet: what the last trust withheld still holds.
    const config = trusted.ok ? trusted.value : untrustedConfinement(lastTightened.get(repo.id), d.repos.trustOf(repo.id)?.commands ?? []);
    return { mainPath: repo.mainPath, config, keyless: lane?.keyless ?? false, network: lane?.network ?? null };
  };
  const socketPath = join(d.dataDir, 'run', 'host.sock');
  const hostBridge = socketPath.length <= MAX_SOCKET_PATH ? new HostBridge(socketPath, d.port) : null;
  // Its own directory: an agent is shown only its own kind's socket, so one with network none
  // cannot ask the loopback bridge for more than Grove's host.
  const loopbackPath = join(d.dataDir, 'run-loopback', 'loopback.sock');
  const loopbackBridge = loopbackPath.length <= MAX_SOCKET_PATH ? new HostBridge(loopbackPath, d.port, 'loopback') : null;
  // Beside this host's own file: out/host/net-forward.js, built with it (scripts/build-node.mjs).
  const forwarder = [process.execPath, join(dirname(fileURLToPath(import.meta.url)), 'net-forward.js')];
  const bridge = hostBridge && { socketPath, open: () => hostBridge.open(), forwarder, port: d.port };
  return {
    unconfinedReason: (repoId) => unconfinedBecause(placeIn(repoId), availability),
    confine: (req) =>
      confineLaunch({ availability, placeOf, dataDir: d.dataDir, home: homedir(), bridge, loopbackBridge: loopbackBridge && { socketPath: loopbackPath, open: () => loopbackBridge.open() }, hostPort: d.port }, req),
    close: () => {
      hostBridge?.close();
      loopbackBridge?.close();
    },
  };
}


/**
 * What an untrusted recipe may still say: what tightens confinement (`hidden`, `network`,
 * the files a key-less lane's copies come from), never what loosens it. A recipe with
 * problems says nothing new: the last one without problems holds, else the defaults
 * (confined, network open).
 */
function tightenedOnly(config: GroveConfig): GroveConfig {
  const { lanes, setup } = config;
  return {
    lanes: lanes && { keyless: lanes.keyless, hidden: lanes.hidden, network: lanes.network },
    setup: setup && { copy: setup.copy, stripKeys: setup.stripKeys },
  };
}
