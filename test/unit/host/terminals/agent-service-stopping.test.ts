import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { createLogger } from '../../../../src/host/logger';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import { AgentService } from '../../../../src/host/terminals/agent-service';
import { createAgentStore } from '../../../../src/host/terminals/agent-store';
import { makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/**
 * A host's stop ends the agents it lists when it begins; one started after that (a dispatch
 * that was still making its lane) would outlive the host. Real PTYs, a real store.
 */
describe('AgentService once the host stops', () => {
  it('starts no agent after shutdown began, saying so, and the agent started before is stopped', async () => {
    const home = makeTempDir();
    const { db } = openDatabase(join(home, 'grove.db'));
    const repos = createRepoStore(db);
    const main = makeRepo(join(makeTempDir(), 'flower'));
    repos.insert({ id: 'r1', name: 'flower', mainPath: main, addedAt: new Date().toISOString() } as never);
    const lane = makeTempDir();
    const service = new AgentService({
      store: createAgentStore(db),
      repos,
      events: createEventLog(db),
      logger: createLogger(() => undefined, 'error'),
      agentsDir: join(home, 'agents'),
      hostUrl: () => 'http://127.0.0.1:1',
      groveCommand: ['grove'],
      baseEnv: process.env,
      stopTimings: { interruptMs: 100, graceMs: 500 },
    });
    const before = service.start({ lanePath: lane, preset: 'shell' });
    expect(before.ok, JSON.stringify(before)).toBe(true);
    await service.shutdown();
    const after = service.start({ lanePath: lane, preset: 'shell', name: 'late' });
    expect(after).toMatchObject({ ok: false, error: { code: 'host_stopping', message: 'The host is stopping: late was not started. Start it once a host is running (grove status).' } });
    expect(service.list().map((a) => a.name)).toEqual([before.ok ? before.value.name : '']);
    expect(service.list()[0]!.supervision.kind).not.toBe('running');
    db.close();
  }, 20_000);
});
