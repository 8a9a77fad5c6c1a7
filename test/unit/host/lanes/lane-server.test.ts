import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { LaneServer, type ServerAgents } from '../../../../src/host/lanes/lane-server';
import { createLaneStore, type LaneRecord } from '../../../../src/host/lanes/lane-store';
import { RepoLocks } from '../../../../src/host/lanes/repo-lock';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import type { GroveConfig } from '../../../../src/shared/config';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * Stopping a lane's server: the lane stays served while its server still runs. A process this
 * test (root) cannot kill cannot be made here, so the agents are a stand-in whose stop leaves
 * the server live, as the real one does when SIGKILL did not end it (it then stays, alerting).
 */
afterEach(() => removeTempDirs());

function rig(stopEnds: boolean) {
  const dir = makeTempDir();
  const { db } = openDatabase(join(dir, 'grove.db'));
  const repos = createRepoStore(db);
  repos.insert({ id: 'r1', name: 'flower', mainPath: join(dir, 'flower'), addedAt: new Date().toISOString() });
  const lanes = createLaneStore(db);
  const path = join(dir, 'flower-design');
  mkdirSync(path);
  const lane: LaneRecord = {
    id: 'l1', repoId: 'r1', name: 'design', path, branch: 'design', kind: 'standing', createdAt: new Date().toISOString(),
    port: null, keyless: false, setup: 'done', served: { url: 'http://127.0.0.1:4100', mode: 'command', agentId: 'a1' }, network: null,
  };
  lanes.insert(lane);
  let live = true;
  const stops: string[] = [];
  const agents: ServerAgents = {
    startServer: () => ({ ok: true, value: 'a2' }),
    stop: async (id) => {
      stops.push(`stop ${id}`);
      if (stopEnds) live = false;
    },
    stopAndForget: async (id) => {
      stops.push(`stop and forget ${id}`);
      if (stopEnds) live = false;
    },
    isLive: () => live,
  };
  const server = new LaneServer({ lanes, repos, events: createEventLog(db, 1000), agents, dataDir: dir, baseEnv: {}, mask: (t) => t, locks: new RepoLocks() });
  const config = { serve: { command: 'npm run dev', url: 'http://127.0.0.1:{{port}}' } } as unknown as GroveConfig;
  return { server, lanes, lane, repo: repos.get('r1')!, config, stops };
}

describe('stopping a lane\'s server', () => {
  it('clears the lane\'s served once its server has ended', async () => {
    const { server, lanes, lane, repo, config, stops } = rig(true);
    const r = await server.unserve(repo, lane, config);
    expect(r.ok).toBe(true);
    expect(stops).toEqual(['stop and forget a1']);
    expect(lanes.get('l1')!.served).toBeNull();
  });

  it('keeps the lane served, and says so, when its server did not stop: a removal then stops there', async () => {
    const { server, lanes, lane, repo, config } = rig(false);
    const r = await server.unserve(repo, lane, config);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'lane_has_live_agents', details: { agents: ['a1'] } });
    expect(r.error.message).toBe('The server of design did not stop: end its process by hand, then stop serving again.');
    expect(lanes.get('l1')!.served).toMatchObject({ mode: 'command', agentId: 'a1' });
  });
});
