import { describe, expect, it } from 'vitest';
import type { AgentInfo, SupervisionView } from '../../../../src/shared/agents';
import type { HostEvent } from '../../../../src/shared/events';
import type { Incident } from '../../../../src/shared/incidents';
import type { MergeRecord } from '../../../../src/shared/lanes';
import { applyEvent, escalate, nextEscalationAt, seedMemory, type NotificationDraft, type NotifyMemory, type NotifyWorld } from '../../../../src/host/notify/notification-rules';

/**
 * The notification rules, transition by transition: what each event tells given what was
 * seen before, and above all what it does not tell again (a probe run, an incident's
 * update, a restart in a crash loop, a host restart).
 */
const world: NotifyWorld = {
  repoName: (id) => (id === 'r1' ? 'flower' : null),
  laneExists: (id) => id === 'l-design',
  lanePathOf: (id) => (id === 'l-design' ? '/srv/flower-design' : null),
  mainPathOf: (id) => (id === 'r1' ? '/srv/flower' : null),
  placeOf: (path) => (path === '/srv/flower-backend' ? 'lane backend of flower' : `folder ${path}`),
  opsRepoOf: (id) => (id === 'ops' ? 'flower' : null),
  lastOutputLine: () => 'PHP Fatal error: Cannot redeclare dispatch()',
};

function agent(supervision: SupervisionView, over: Partial<AgentInfo> = {}): AgentInfo {
  return {
    id: 'a1',
    name: 'artisan',
    lanePath: '/srv/flower-backend',
    preset: 'custom',
    command: 'php',
    args: ['artisan', 'queue:work'],
    restart: 'on-failure',
    autoResume: false,
    isOpsLoop: false, role: 'worker', dispatchId: null,
    sessionId: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    supervision,
    activity: { state: 'unknown', signal: null, detail: null, since: '2026-01-01T00:00:00.000Z' },
    outputEnd: 0,
    restarts: 0,
    context: null,
    contextWarnTokens: 150_000,
    canResume: false, unconfined: false, confinement: null, ceiling: null,
    ...over,
  };
}

const running: SupervisionView = { kind: 'running', pid: 100, startedAt: '2026-01-01T00:00:00.000Z' };
const backoff = (delayMs: number, code: number | null = 255): SupervisionView => ({ kind: 'backoff', restartAt: '2026-01-01T00:00:01.000Z', delayMs, code, signal: null });
const crashed: SupervisionView = { kind: 'crashed', code: 255, signal: null };
const fatal: SupervisionView = { kind: 'fatal', restarts: 5, code: 255, signal: null };
const waiting = (detail: string | null): AgentInfo['activity'] => ({ state: 'waiting', signal: 'hook', detail, since: '2026-01-01T00:00:05.000Z' });
const busy: AgentInfo['activity'] = { state: 'busy', signal: 'hook', detail: null, since: '2026-01-01T00:00:04.000Z' };

function incident(over: Partial<Incident> = {}): Incident {
  return {
    id: 'i1',
    repoId: 'r1',
    openedAt: '2026-01-01T10:00:00.000Z',
    closedAt: null,
    probes: [{ name: 'artisan', detail: 'exit 255', outputTail: 'Loading…\nPHP Fatal error: Cannot redeclare dispatch()\n[grove] `php artisan about` exited with code 255\n' }],
    headAtOpen: 'b'.repeat(40),
    lastHealthyAt: '2026-01-01T09:59:00.000Z',
    lastHealthyHead: 'a'.repeat(40),
    commits: [],
    recovery: null,
    ...over,
  };
}

function merge(state: MergeRecord['state'], over: Partial<MergeRecord> = {}): MergeRecord {
  return {
    id: 'm1',
    repoId: 'r1',
    laneId: 'l-design',
    laneName: 'design',
    branch: 'design',
    strategy: 'fast-forward',
    mainBefore: 'a'.repeat(40),
    mainAfter: 'b'.repeat(40),
    recoveryRef: 'refs/grove/recovery/main/x',
    state,
    gateOutput: state === 'gating' ? null : 'PHP Fatal error: Cannot redeclare dispatch()\n[grove] `php artisan about` exited with code 255',
    agents: ['claude-1'],
    at: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

const empty = (): NotifyMemory => seedMemory({ agents: [], merges: [], toldOpen: [], toldClosed: [] });

/** Feeds events in order; returns every draft and the final memory. */
function run(events: HostEvent[], memory: NotifyMemory = empty()): { drafts: NotificationDraft[]; memory: NotifyMemory } {
  const drafts: NotificationDraft[] = [];
  let seq = 0;
  for (const event of events) {
    const d = applyEvent(memory, { seq: ++seq, at: '2026-01-01T00:00:00.000Z', event }, world);
    memory = d.memory;
    drafts.push(...d.drafts);
  }
  return { drafts, memory };
}

const updated = (a: AgentInfo): HostEvent => ({ type: 'agent.updated', agent: a });
const kinds = (drafts: NotificationDraft[]): string[] => drafts.map((d) => d.kind);

describe('incidents', () => {
  it('tells MAIN broken once when an incident opens, however often it is updated while open', () => {
    const { drafts } = run([
      { type: 'incident.updated', incident: incident() },
      { type: 'incident.updated', incident: incident({ commits: [{ sha: 'b'.repeat(40), subject: 'dispatch', author: 'x', date: 'd', via: null }] }) },
      { type: 'incident.updated', incident: incident() },
    ]);
    expect(drafts).toEqual([
      {
        kind: 'main.broken',
        severity: 'critical',
        title: 'MAIN of flower is broken',
        body: 'artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch()',
        target: { kind: 'incident', repoId: 'r1', incidentId: 'i1' },
        workspace: '/srv/flower',
        subject: 'repo:r1',
      },
    ]);
  });

  it('names the merge that broke MAIN when the incident knows it', () => {
    const via = { mergeId: 'm1', laneName: 'design', branch: 'design', agents: ['claude-1'] };
    const { drafts } = run([{ type: 'incident.updated', incident: incident({ commits: [{ sha: 'b'.repeat(40), subject: 's', author: 'a', date: 'd', via }] }) }]);
    expect(drafts[0]!.body).toBe('artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch() (after the merge of lane design)');
  });

  it('tells MAIN recovered once when it closes, and never broken again for that incident', () => {
    const closed = incident({
      closedAt: '2026-01-01T10:12:00.000Z',
      recovery: { at: '2026-01-01T10:12:00.000Z', head: 'c'.repeat(40), how: 'merge of lane fix-dispatch (c0ffee1)', commits: [] },
    });
    const { drafts } = run([
      { type: 'incident.updated', incident: incident() },
      { type: 'incident.updated', incident: closed },
      { type: 'incident.updated', incident: closed },
      { type: 'incident.updated', incident: incident() }, // replayed out of order
    ]);
    expect(kinds(drafts)).toEqual(['main.broken', 'main.recovered']);
    expect(drafts[1]).toMatchObject({
      severity: 'info',
      title: 'MAIN of flower works again',
      body: 'Merge of lane fix-dispatch (c0ffee1); it was broken for 12 min.',
      target: { kind: 'incident', incidentId: 'i1' },
    });
  });

  it('tells nothing already told before a host restart (seeded from the stored notifications)', () => {
    const seeded = seedMemory({ agents: [], merges: [], toldOpen: ['i1'], toldClosed: [] });
    expect(run([{ type: 'incident.updated', incident: incident() }], seeded).drafts).toEqual([]);
    const closed = incident({ closedAt: '2026-01-01T10:00:30.000Z' });
    expect(run([{ type: 'incident.updated', incident: closed }], seeded).drafts.map((d) => [d.kind, d.body])).toEqual([
      ['main.recovered', 'The probes pass again; it was broken for 30 s.'],
    ]);
    const both = seedMemory({ agents: [], merges: [], toldOpen: ['i1'], toldClosed: ['i1'] });
    expect(run([{ type: 'incident.updated', incident: closed }], both).drafts).toEqual([]);
  });

  it('tells each incident of its own: a second one opens, a second notification', () => {
    const { drafts } = run([
      { type: 'incident.updated', incident: incident() },
      { type: 'incident.updated', incident: incident({ closedAt: '2026-01-01T10:01:00.000Z' }) },
      { type: 'incident.updated', incident: incident({ id: 'i2', openedAt: '2026-01-01T11:00:00.000Z' }) },
    ]);
    expect(drafts.map((d) => [d.kind, (d.target as { incidentId: string }).incidentId])).toEqual([
      ['main.broken', 'i1'],
      ['main.recovered', 'i1'],
      ['main.broken', 'i2'],
    ]);
  });
});

describe('agents exiting', () => {
  it('tells an unexpected exit once per crash loop: not each restart, not when it finally gives up', () => {
    const a = (s: SupervisionView) => updated(agent(s));
    const { drafts } = run([a(running), a(backoff(1000)), a(running), a(backoff(2000)), a(running), a(fatal)]);
    expect(drafts).toEqual([
      {
        kind: 'agent.exited',
        severity: 'warning',
        title: 'artisan exited unexpectedly in lane backend of flower',
        body: 'artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch(). Grove restarts it in 1 s.',
        target: { kind: 'agent', agentId: 'a1' },
        workspace: '/srv/flower-backend',
        subject: 'agent:a1',
      },
    ]);
  });

  it('a run that was stable before it died starts a new story (restarted at once)', () => {
    const a = (s: SupervisionView) => updated(agent(s));
    const { drafts } = run([a(running), a(backoff(1000)), a(running), a(backoff(0)), a(running), a(backoff(1000))]);
    expect(drafts.map((d) => d.body)).toEqual([
      'artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch(). Grove restarts it in 1 s.',
      'artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch(). Grove restarted it.',
    ]);
  });

  it('a crash without restart, a signal, and a crash again after the operator started it again', () => {
    const a = (s: SupervisionView) => updated(agent(s, { restart: 'never' }));
    const { drafts } = run([a(running), a(crashed), a(running), a({ kind: 'crashed', code: null, signal: 9 })]);
    expect(drafts.map((d) => d.body)).toEqual([
      'artisan: exit 255 — PHP Fatal error: Cannot redeclare dispatch(). It is not restarted.',
      'artisan: SIGKILL — PHP Fatal error: Cannot redeclare dispatch(). It is not restarted.',
    ]);
  });

  it('says nothing for a stop the operator asked for, or a clean exit', () => {
    const a = (s: SupervisionView) => updated(agent(s));
    const { drafts } = run([
      a(running),
      a({ kind: 'stopping', pid: 100 }),
      a({ kind: 'exited', code: 143, signal: null }),
      a(running),
      a({ kind: 'exited', code: 0, signal: null }),
      a(running),
      a(backoff(0, 0)), // restart: always after a clean exit
      a(running),
      a(backoff(500)),
      a({ kind: 'exited', code: null, signal: null }), // stopped during the backoff
    ]);
    expect(kinds(drafts)).toEqual(['agent.exited']);
  });

  it('after a stop, a new crash loop is told again', () => {
    const a = (s: SupervisionView) => updated(agent(s));
    const { drafts } = run([a(running), a(backoff(1000)), a(running), a({ kind: 'stopping', pid: 1 }), a({ kind: 'exited', code: null, signal: 15 }), a(running), a(backoff(1000))]);
    expect(kinds(drafts)).toEqual(['agent.exited', 'agent.exited']);
  });

  it('does not tell a transition that happened before the host started (seeded state)', () => {
    const seeded = seedMemory({ agents: [agent(backoff(1000))], merges: [], toldOpen: [], toldClosed: [] });
    // Still running after start, then a stop: nothing; an agent first seen crashed: nothing.
    expect(run([updated(agent(running)), updated(agent({ kind: 'crashed', code: 1, signal: null }, { id: 'a2' }))], seeded).drafts).toEqual([]);
    // Seeded running: the first crash after start is news.
    const live = seedMemory({ agents: [agent(running)], merges: [], toldOpen: [], toldClosed: [] });
    expect(kinds(run([updated(agent(crashed))], live).drafts)).toEqual(['agent.exited']);
  });

  it('the ops loop: only its giving up is told, as ops.fatal, critical', () => {
    const a = (s: SupervisionView) => updated(agent(s, { id: 'ops', name: 'ops', isOpsLoop: true }));
    const { drafts } = run([a(running), a(backoff(1000)), a(running), a(fatal)]);
    expect(drafts).toEqual([
      {
        kind: 'ops.fatal',
        severity: 'critical',
        title: 'The ops loop of flower gave up',
        body: 'ops: exit 255 — PHP Fatal error: Cannot redeclare dispatch(). Grove gave up after 5 restarts in a row. Start it again once the cause is fixed.',
        target: { kind: 'agent', agentId: 'ops' },
        workspace: '/srv/flower-backend',
        subject: 'agent:ops',
      },
    ]);
  });
});

describe('agents waiting and context', () => {
  it('tells when a running agent starts waiting, with why, and again only after it worked', () => {
    const a = (activity: AgentInfo['activity']) => updated(agent(running, { activity }));
    const { drafts } = run([a(busy), a(waiting('permission_prompt')), a(waiting('permission_prompt')), a(waiting('idle_prompt')), a(busy), a(waiting('finished its turn'))]);
    expect(drafts.map((d) => [d.kind, d.severity, d.title, d.body])).toEqual([
      ['agent.waiting', 'info', 'artisan is waiting for you', 'artisan asks for your permission in lane backend of flower.'],
      ['agent.waiting', 'info', 'artisan is waiting for you', 'artisan finished its turn and waits for you in lane backend of flower.'],
    ]);
  });

  it('tells context use crossing the warning once, not while it stays above', () => {
    const a = (tokens: number) => updated(agent(running, { contextWarnTokens: 20_000, context: { tokens, window: 200_000, model: 'claude-sonnet-4-5', at: null } }));
    const { drafts } = run([a(12_000), a(21_000), a(25_000), a(5_000), a(20_000)]);
    expect(drafts.map((d) => [d.kind, d.body])).toEqual([
      ['agent.context', 'artisan in lane backend of flower uses 21,000 tokens of its 200,000 window (warning at 20,000). Recycle it to start fresh.'],
      ['agent.context', 'artisan in lane backend of flower uses 20,000 tokens of its 200,000 window (warning at 20,000). Recycle it to start fresh.'],
    ]);
  });

  it('forgets a removed agent', () => {
    const { memory } = run([updated(agent(running)), { type: 'agent.removed', id: 'a1' }]);
    expect(memory.agents.has('a1')).toBe(false);
  });
});

describe('escalation: an agent waiting N minutes is told once more, once per wait', () => {
  const MIN = 60_000;
  const t0 = Date.parse('2026-01-01T00:00:00.000Z');
  const after = 10 * MIN;
  const at = (ms: number): string => new Date(t0 + ms).toISOString();
  const waitingAgent = agent(running, { activity: waiting('permission_prompt') });
  const busyAgent = agent(running, { activity: busy });
  /** The agent's update at `ms` after t0. */
  const feed = (memory: NotifyMemory, a: AgentInfo, ms: number): NotifyMemory => applyEvent(memory, { seq: 1, at: at(ms), event: updated(a) }, world).memory;

  it('not before N minutes; at N minutes one escalation, naming how long; never twice for the same wait', () => {
    let memory = feed(feed(empty(), busyAgent, 0), waitingAgent, 1 * MIN);
    expect(nextEscalationAt(memory, after)).toBe(t0 + 11 * MIN);
    expect(escalate(memory, [waitingAgent], t0 + 11 * MIN - 1, after, world).drafts).toEqual([]);
    const due = escalate(memory, [waitingAgent], t0 + 11 * MIN, after, world);
    expect(due.drafts).toEqual([
      {
        kind: 'agent.still-waiting',
        severity: 'warning',
        title: 'artisan has waited 10 min for you',
        body: 'artisan asks for your permission in lane backend of flower, for 10 min now.',
        target: { kind: 'agent', agentId: 'a1' },
        workspace: '/srv/flower-backend',
        subject: 'agent:a1',
      },
    ]);
    memory = due.memory;
    expect(nextEscalationAt(memory, after)).toBeNull();
    expect(escalate(memory, [waitingAgent], t0 + 60 * MIN, after, world).drafts).toEqual([]);
    // Still waiting (another prompt, same wait): not escalated again.
    memory = feed(memory, agent(running, { activity: waiting('idle_prompt') }), 20 * MIN);
    expect(escalate(memory, [waitingAgent], t0 + 60 * MIN, after, world).drafts).toEqual([]);
  });

  it('a wait fallen due whose agent is gone (or no longer waits) is forgotten, so nothing stays due', () => {
    const memory = feed(empty(), waitingAgent, 0);
    expect(nextEscalationAt(memory, after)).toBe(t0 + 10 * MIN);
    const gone = escalate(memory, [], t0 + 10 * MIN, after, world);
    expect(gone.drafts).toEqual([]);
    expect(nextEscalationAt(gone.memory, after)).toBeNull();
    const stopped = escalate(memory, [busyAgent], t0 + 10 * MIN, after, world);
    expect(stopped.drafts).toEqual([]);
    expect(nextEscalationAt(stopped.memory, after)).toBeNull();
  });

  it('a new wait (after working) escalates again, counted from its own start', () => {
    let memory = feed(empty(), waitingAgent, 0);
    memory = escalate(memory, [waitingAgent], t0 + 10 * MIN, after, world).memory;
    memory = feed(memory, busyAgent, 12 * MIN);
    expect(nextEscalationAt(memory, after)).toBeNull();
    memory = feed(memory, waitingAgent, 15 * MIN);
    expect(escalate(memory, [waitingAgent], t0 + 24 * MIN, after, world).drafts).toEqual([]);
    expect(kinds(escalate(memory, [waitingAgent], t0 + 25 * MIN, after, world).drafts)).toEqual(['agent.still-waiting']);
  });

  it('none when the setting is 0, nor for an agent that stopped waiting or exited', () => {
    const memory = feed(empty(), waitingAgent, 0);
    expect(nextEscalationAt(memory, 0)).toBeNull();
    expect(escalate(memory, [waitingAgent], t0 + 999 * MIN, 0, world).drafts).toEqual([]);
    const exited = feed(memory, agent({ kind: 'exited', code: 0, signal: null }, { activity: waiting('permission_prompt') }), 1 * MIN);
    expect(escalate(exited, [waitingAgent], t0 + 60 * MIN, after, world).drafts).toEqual([]);
    // The host's view now disagrees with the memory (no longer waiting): nothing is told.
    expect(escalate(memory, [busyAgent], t0 + 60 * MIN, after, world).drafts).toEqual([]);
  });

  it('an agent already waiting when the host starts keeps the start of its wait', () => {
    const memory = seedMemory({ agents: [agent(running, { activity: { ...waiting(null), since: at(0) } })], merges: [], toldOpen: [], toldClosed: [] });
    expect(nextEscalationAt(memory, after)).toBe(t0 + 10 * MIN);
  });
});

describe('merges', () => {
  it('tells a merge its gate rolled back, once, pointing at the lane', () => {
    const { drafts } = run([
      { type: 'merge.updated', merge: merge('gating') },
      { type: 'merge.updated', merge: merge('rolled-back') },
      { type: 'merge.updated', merge: merge('rolled-back') },
    ]);
    expect(drafts).toEqual([
      {
        kind: 'merge.rolled-back',
        severity: 'critical',
        title: 'The merge of design into MAIN of flower was rolled back',
        body: "MAIN's gate failed: PHP Fatal error: Cannot redeclare dispatch(). MAIN is back at aaaaaaa; the lane keeps its work.",
        target: { kind: 'lane', repoId: 'r1', laneId: 'l-design' },
        workspace: '/srv/flower-design',
        subject: 'merge:m1',
      },
    ]);
  });

  it('a merge awaiting rollback is told once; the operator rolling it back is not news', () => {
    const gone = { laneId: 'l-removed', laneName: 'hotfix' };
    const { drafts } = run([
      { type: 'merge.updated', merge: merge('gating', gone) },
      { type: 'merge.updated', merge: merge('awaiting-rollback', gone) },
      { type: 'merge.updated', merge: merge('rolled-back', gone) },
      { type: 'merge.updated', merge: merge('merged', { id: 'm2' }) },
      { type: 'merge.updated', merge: merge('rolled-back', { id: 'm2' }) },
    ]);
    expect(drafts.map((d) => [d.title, d.body, d.target])).toEqual([
      ['The merge of hotfix broke MAIN of flower', "MAIN's gate failed: PHP Fatal error: Cannot redeclare dispatch(). MAIN keeps the merge until you roll it back.", { kind: 'repo', repoId: 'r1' }],
    ]);
  });

  it('does not tell again a rollback that happened before the host started', () => {
    const seeded = seedMemory({ agents: [], merges: [merge('awaiting-rollback')], toldOpen: [], toldClosed: [] });
    expect(run([{ type: 'merge.updated', merge: merge('rolled-back') }], seeded).drafts).toEqual([]);
  });
});
