import { describe, expect, it } from 'vitest';
import { laneCommandEnv, mainCommandEnv } from '../../../../src/host/lanes/lane-context';
import type { Repo } from '../../../../src/shared/repo';

const repo = { id: 'r1', name: 'flower', mainPath: '/src/flower' } as Repo;
const hostEnv = { PATH: '/usr/bin', HOME: '/home/mike', GROVE_HOME: '/home/mike/.grove', GROVE_TOKEN: 'secret', ELECTRON_RUN_AS_NODE: '1', STRIPE_KEY: 'sk' };

describe("the environment of grove.yaml's commands", () => {
  it('never carries the way to the operator token: no GROVE_HOME, no GROVE_TOKEN', () => {
    const main = mainCommandEnv(hostEnv, repo);
    expect(main).toEqual({ PATH: '/usr/bin', HOME: '/home/mike', STRIPE_KEY: 'sk', GROVE_MAIN: '/src/flower', GROVE_REPO: 'flower' });
    const lane = laneCommandEnv(hostEnv, repo, { name: 'design', branch: 'design', path: '/src/flower-design', port: null, keyless: true }, { setup: { stripKeys: ['*_KEY'] } });
    expect(lane).toEqual({ PATH: '/usr/bin', HOME: '/home/mike', GROVE_MAIN: '/src/flower', GROVE_REPO: 'flower', GROVE_LANE_NAME: 'design', GROVE_BRANCH: 'design' });
  });
});
