import { describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Lane } from '../../../../src/shared/lanes';
import type { Repo } from '../../../../src/shared/repo';
import { buildRail, nextWaitingAgent } from '../../../../src/renderer/cockpit/rail-model';
import { fallbackView, viewExists, viewForRoute } from '../../../../src/renderer/cockpit/resolve-route';

const repo = (id: string, mainPath: string): Repo => ({ id, name: id, mainPath, addedAt: '2026-01-01T00:00:00Z', trustedDigest: 'd', trusted: true, trust: 'trusted' });
const lane = (id: string, repoId: string, path: string, createdAt: string, adoptable = false): Lane => ({
  id, repoId, name: id, path, branch: id, kind: 'standing', createdAt, status: 'ok', adoptable, port: adoptable ? null : 41000, keyless: false, setup: 'done', served: null, network: null,
});
function agent(id: string, lanePath: string, over: Partial<AgentInfo> = {}): AgentInfo {
  return {
    id, name: id, lanePath, preset: 'claude', command: 'claude', args: [], restart: 'never', autoResume: false, isOpsLoop: false, role: 'worker', dispatchId: null, sessionId: null,
    createdAt: `2026-01-01T00:00:0${id.length}Z`, supervision: { kind: 'running', pid: 1, startedAt: 'x' },
    activity: { state: 'busy', signal: 'hook', detail: null, since: '2026-01-01T00:00:00Z' }, outputEnd: 0, restarts: 0, context: null,
    contextWarnTokens: 150_000, canResume: false, unconfined: false, confinement: null, ceiling: null, ...over,
  };
}
const waitingOn = (detail: string, since: string) => ({ activity: { state: 'waiting' as const, signal: 'hook' as const, detail, since } });

describe('the rail model', () => {
  const repos = [repo('flower', '/s/flower')];
  const lanes = [lane('b-lane', 'flower', '/s/flower-b', '2026-01-02T00:00:00Z'), lane('a-lane', 'flower', '/s/flower-a', '2026-01-03T00:00:00Z'), lane('old', 'flower', '/s/old', '2026-01-01T00:00:00Z', true)];

  it('places agents in their lanes, keeps lanes in creation order whatever their agents do, and lists adoptable worktrees apart', () => {
    const calm = buildRail({ repos, lanes, agents: [agent('x', '/s/flower-a')], health: {}, opsLoops: {} });
    const urgent = buildRail({ repos, lanes, agents: [agent('x', '/s/flower-a', waitingOn('permission_prompt', 't'))], health: {}, opsLoops: {} });
    expect(calm.repos[0]!.workspaces.map((w) => w.name)).toEqual(['b-lane', 'a-lane']);
    expect(urgent.repos[0]!.workspaces.map((w) => w.name)).toEqual(['b-lane', 'a-lane']);
    expect(urgent.repos[0]!.workspaces[1]!.attention).toBe('approval');
    expect(urgent.repos[0]!.workspaces[1]!.needsYou).toBe(1);
    expect(urgent.repos[0]!.adoptable.map((l) => l.name)).toEqual(['old']);
  });

  it('shows the ops loop under its repository and agents elsewhere under "other"', () => {
    const opsLoops = { flower: { repoId: 'flower', checkout: 'worktree' as const, path: '/s/flower-ops', command: 'x', agentId: 'ops', head: null, behindReason: null, statusFile: '/f', createdAt: 't' } };
    const m = buildRail({ repos, lanes, agents: [agent('ops', '/s/flower-ops', { isOpsLoop: true }), agent('stray', '/tmp/elsewhere')], health: { flower: { state: 'broken' } }, opsLoops });
    expect(m.repos[0]!.health).toBe('broken');
    expect(m.repos[0]!.workspaces[0]).toMatchObject({ kind: 'ops', name: 'ops loop', path: '/s/flower-ops' });
    expect(m.others.map((w) => w.path)).toEqual(['/tmp/elsewhere']);
    expect(m.ordered.map((w) => w.path)).toEqual(['/s/flower-ops', '/s/flower-b', '/s/flower-a', '/tmp/elsewhere']);
  });

  it('reports the fullest context of a lane', () => {
    const m = buildRail({ repos, lanes, agents: [agent('x', '/s/flower-a', { context: { tokens: 50_000, window: 200_000, model: null, at: null } }), agent('yy', '/s/flower-a', { context: { tokens: 150_000, window: 200_000, model: null, at: null } })], health: {}, opsLoops: {} });
    expect(m.repos[0]!.workspaces[1]!.contextUse).toBe(0.75);
  });

  it('the next waiting agent: the most urgent, the longest waiting, then round again', () => {
    const agents = [agent('done', '/a', waitingOn('finished its turn', '2026-01-01T00:00:01Z')), agent('late', '/b', waitingOn('permission_prompt', '2026-01-01T00:00:09Z')), agent('early', '/c', waitingOn('permission_prompt', '2026-01-01T00:00:02Z')), agent('busy', '/d')];
    expect(nextWaitingAgent(agents, null)!.id).toBe('early');
    expect(nextWaitingAgent(agents, 'early')!.id).toBe('late');
    expect(nextWaitingAgent(agents, 'late')!.id).toBe('done');
    expect(nextWaitingAgent(agents, 'done')!.id).toBe('early');
    expect(nextWaitingAgent([agent('busy', '/d')], null)).toBeNull();
  });
});

describe('routes into the cockpit', () => {
  const repos = [repo('flower', '/s/flower')];
  const lanes = [lane('design', 'flower', '/s/flower-design', 't')];
  const agents = [agent('a1', '/s/flower-design')];
  it('a repository or incident opens MAIN, a lane its workspace, an agent its workspace with its tab', () => {
    expect(viewForRoute({ kind: 'incident', repoId: 'flower', incidentId: 'i' }, lanes, agents)).toEqual({ view: { kind: 'main', repoId: 'flower' } });
    expect(viewForRoute({ kind: 'lane', repoId: 'flower', laneId: 'design' }, lanes, agents)).toEqual({ view: { kind: 'workspace', path: '/s/flower-design' } });
    expect(viewForRoute({ kind: 'agent', agentId: 'a1' }, lanes, agents)).toEqual({ view: { kind: 'workspace', path: '/s/flower-design' }, agentId: 'a1' });
    expect(viewForRoute({ kind: 'agent', agentId: 'not-yet' }, lanes, null)).toBeNull();
  });
  it('falls back to where the operator is needed, and forgets views that no longer exist', () => {
    const quiet = buildRail({ repos, lanes, agents: [], health: {}, opsLoops: {} });
    expect(fallbackView(quiet)).toEqual({ kind: 'main', repoId: 'flower' });
    const needy = buildRail({ repos, lanes, agents: [agent('a1', '/s/flower-design', waitingOn('permission_prompt', 't'))], health: {}, opsLoops: {} });
    expect(fallbackView(needy)).toEqual({ kind: 'workspace', path: '/s/flower-design' });
    expect(viewExists({ kind: 'workspace', path: '/s/removed' }, needy)).toBe(false);
    expect(viewExists({ kind: 'health' }, needy)).toBe(true);
  });
});
