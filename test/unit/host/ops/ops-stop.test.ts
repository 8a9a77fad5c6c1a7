import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { RepoLocks } from '../../../../src/host/lanes/repo-lock';
import { createLogger } from '../../../../src/host/logger';
import { OpsService, type OpsAgents } from '../../../../src/host/ops/ops-service';
import { createOpsStore } from '../../../../src/host/ops/ops-store';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import type { AgentInfo } from '../../../../src/shared/agents';
import { makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * An ops loop whose agent cannot be stopped (a process no signal from here ends: another
 * user's after `sudo`, one stuck in the kernel) keeps its loop: `grove ops stop` says so
 * rather than report the loop gone with its agent still running. Root can make no such
 * process here, so the agents' port stands in for one.
 */
afterEach(removeTempDirs);

describe('stopping an ops loop', () => {
  it('whose agent did not stop is refused, naming the agent, and the loop is kept as it was', async () => {
    const dir = realpathSync(makeTempDir());
    const main = makeRepo(join(dir, 'flower'));
    const { db } = openDatabase(join(dir, 'grove.db'));
    const repos = createRepoStore(db);
    repos.insert({ id: 'r1', name: 'flower', mainPath: main, addedAt: '2026-01-01T00:00:00Z' });
    const store = createOpsStore(db);
    const loop = { repoId: 'r1', checkout: 'main' as const, path: main, command: 'sleep 600', agentId: 'a1', head: null, behindReason: null, createdAt: '2026-01-01T00:00:00.000Z' };
    store.insert(loop);
    let stopsAsked = 0;
    const agents: OpsAgents = {
      start: () => {
        throw new Error('nothing is started');
      },
      startAgain: () => false,
      stopAndForget: async () => (stopsAsked++, false),
      isLive: () => true,
      stopEnded: async () => undefined,
      info: () => ({ id: 'a1', name: 'ops-flower' }) as AgentInfo,
    };
    const ops = new OpsService({
      store,
      repos,
      events: createEventLog(db),
      locks: new RepoLocks(),
      agents,
      logger: createLogger(() => undefined, 'error'),
      dataDir: dir,
      baseEnv: {},
      mask: (t) => t,
      health: () => null,
      openIncident: () => null,
      readEdits: async () => null,
    });
    const stopped = await ops.stopLoop('r1');
    expect(stopsAsked).toBe(1);
    expect(stopped).toEqual({
      ok: false,
      error: {
        code: 'agent_is_running',
        message: "The ops loop's agent ops-flower did not stop (its process could not be ended; the alert names it): end it by hand, then stop the loop again. The loop of flower is kept as it was.",
        details: { agentId: 'a1', repoId: 'r1' },
      },
    });
    expect(store.get('r1')).toEqual(loop);
    db.close();
  });
});
