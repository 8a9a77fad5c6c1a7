import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confineLaunch, type WorkPlace } from '../../../../src/host/confine/agent-confinement';
import type { LaneNetwork } from '../../../../src/shared/lanes';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/**
 * Which network a launch gets: the lane's own when it has one, else the recipe's
 * `lanes.network`, else open. Decided by the real confineLaunch over real directories; only
 * the probe's answer (bubblewrap here) is given.
 */
function launchIn(place: WorkPlace, opts: { preview?: boolean } = {}): { network: LaneNetwork; args: string[]; bridgeOpened: number; loopbackOpened: number; root: string } {
  const root = realpathSync(makeTempDir('grove-lanenet-'));
  const lanePath = join(root, 'lane');
  const agentDir = join(root, 'data', 'agents', 'a1');
  for (const d of [lanePath, agentDir, join(root, 'home')]) mkdirSync(d, { recursive: true });
  let bridgeOpened = 0;
  let loopbackOpened = 0;
  const launch = confineLaunch(
    {
      availability: () => ({ ok: true, mechanism: 'bwrap', program: '/usr/bin/bwrap', closer: '/bin/bash' }),
      placeOf: () => place,
      dataDir: join(root, 'data'),
      home: join(root, 'home'),
      bridge: { socketPath: join(root, 'data', 'run', 'host.sock'), open: () => (bridgeOpened++, null), forwarder: ['node', 'net-forward.js'], port: () => 4477 },
      loopbackBridge: { socketPath: join(root, 'data', 'run-loopback', 'loopback.sock'), open: () => (loopbackOpened++, null) },
      hostPort: () => 4477,
    },
    { lanePath, agentDir, unconfined: false, statePaths: [], env: { HOME: join(root, 'home') }, ...(opts.preview ? { preview: true } : {}) },
  );
  const args = opts.preview ? [] : launch.wrap('/bin/sh', [], {}).args;
  return { network: launch.info.network, args, bridgeOpened, loopbackOpened, root };
}

const place = (recipe: LaneNetwork | undefined, lane: LaneNetwork | null): WorkPlace => ({
  mainPath: null,
  config: recipe ? { lanes: { network: recipe } } : {},
  keyless: false,
  network: lane,
});

describe("a lane's own network", () => {
  it.each([
    [undefined, null, 'open'],
    ['none', null, 'none'],
    [undefined, 'none', 'none'],
    ['open', 'none', 'none'],
    // The operator's word for this lane loosens the repository's default.
    ['none', 'open', 'open'],
    ['loopback', null, 'loopback'],
    ['none', 'loopback', 'loopback'],
    ['loopback', 'none', 'none'],
  ] as const)('recipe %s, lane %s: %s', (recipe, lane, expected) => {
    const got = launchIn(place(recipe, lane));
    expect(got.network).toBe(expected);
    expect(got.args.includes('--unshare-net')).toBe(expected !== 'open');
    // Only a namespace of its own needs the forwarder, to Grove's host or to the machine's loopback.
    expect(got.args.includes('net-forward.js')).toBe(expected !== 'open');
    expect(got.bridgeOpened).toBe(expected === 'none' ? 1 : 0);
    expect(got.loopbackOpened).toBe(expected === 'loopback' ? 1 : 0);
  });

  it("loopback: the forwarder goes through the loopback bridge, whose directory alone the sandbox shows", () => {
    const got = launchIn(place(undefined, 'loopback'));
    const forwarder = got.args.slice(got.args.indexOf('net-forward.js'));
    expect(forwarder.slice(0, 5)).toEqual(['net-forward.js', '--socket', join(got.root, 'data', 'run-loopback', 'loopback.sock'), '--loopback', '--']);
    const shown = got.args.flatMap((a, i) => (a === '--ro-bind' ? [got.args[i + 2]] : []));
    expect(shown).toContain(join(got.root, 'data', 'run-loopback'));
    expect(shown).not.toContain(join(got.root, 'data', 'run'));
    // And the other way: network none shows the host bridge's directory, not the loopback one.
    const none = launchIn(place(undefined, 'none'));
    const noneShown = none.args.flatMap((a, i) => (a === '--ro-bind' ? [none.args[i + 2]] : []));
    expect(noneShown).toContain(join(none.root, 'data', 'run'));
    expect(noneShown).not.toContain(join(none.root, 'data', 'run-loopback'));
  });

  it('the launch dialog\'s preview says the same', () => {
    expect(launchIn(place(undefined, 'none'), { preview: true }).network).toBe('none');
    expect(launchIn(place('none', 'open'), { preview: true }).network).toBe('open');
  });

  it('a recipe that cannot be read still leaves the lane its own', () => {
    expect(launchIn({ mainPath: null, config: null, keyless: false, network: 'none' }).network).toBe('none');
  });
});
