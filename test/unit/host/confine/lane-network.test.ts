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
function launchIn(place: WorkPlace, opts: { preview?: boolean } = {}): { network: LaneNetwork; args: string[]; bridgeOpened: number } {
  const root = realpathSync(makeTempDir('grove-lanenet-'));
  const lanePath = join(root, 'lane');
  const agentDir = join(root, 'data', 'agents', 'a1');
  for (const d of [lanePath, agentDir, join(root, 'home')]) mkdirSync(d, { recursive: true });
  let bridgeOpened = 0;
  const launch = confineLaunch(
    {
      availability: () => ({ ok: true, mechanism: 'bwrap', program: '/usr/bin/bwrap', closer: '/bin/bash' }),
      placeOf: () => place,
      dataDir: join(root, 'data'),
      home: join(root, 'home'),
      bridge: { socketPath: join(root, 'data', 'run', 'host.sock'), open: () => (bridgeOpened++, null), forwarder: ['node', 'net-forward.js'], port: () => 4477 },
      hostPort: () => 4477,
    },
    { lanePath, agentDir, unconfined: false, statePaths: [], env: { HOME: join(root, 'home') }, ...(opts.preview ? { preview: true } : {}) },
  );
  const args = opts.preview ? [] : launch.wrap('/bin/sh', [], {}).args;
  return { network: launch.info.network, args, bridgeOpened };
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
  ] as const)('recipe %s, lane %s: %s', (recipe, lane, expected) => {
    const got = launchIn(place(recipe, lane));
    expect(got.network).toBe(expected);
    expect(got.args.includes('--unshare-net')).toBe(expected === 'none');
    // Only a namespace of its own needs the forwarder to Grove's host.
    expect(got.args.includes('net-forward.js')).toBe(expected === 'none');
    expect(got.bridgeOpened).toBe(expected === 'none' ? 1 : 0);
  });

  it('the launch dialog\'s preview says the same', () => {
    expect(launchIn(place(undefined, 'none'), { preview: true }).network).toBe('none');
    expect(launchIn(place('none', 'open'), { preview: true }).network).toBe('open');
  });

  it('a recipe that cannot be read still leaves the lane its own', () => {
    expect(launchIn({ mainPath: null, config: null, keyless: false, network: 'none' }).network).toBe('none');
  });
});
