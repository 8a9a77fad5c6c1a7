import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog } from '../../../../src/host/events/event-log';
import { createLaneStore } from '../../../../src/host/lanes/lane-store';
import { createLogger } from '../../../../src/host/logger';
import { Notifier } from '../../../../src/host/notify/notifier';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * The notifier's escalation timer, with the clock and the timers in the test's hands: one
 * timer, armed for the wait that falls due first, re-armed on every event and setting
 * change, none while nothing can fall due. (The same against a real host and a real agent:
 * test/integration/notifications.test.ts.)
 */
afterEach(removeTempDirs);

const MIN = 60_000;
const t0 = Date.parse('2026-01-01T00:00:00.000Z');

function agent(state: AgentInfo['activity']['state'], since: number): AgentInfo {
  return {
    id: 'a1',
    name: 'claude-design',
    lanePath: '/srv/flower-design',
    preset: 'claude',
    command: 'claude',
    args: [],
    restart: 'never',
    autoResume: false,
    isOpsLoop: false, role: 'worker', dispatchId: null,
    sessionId: null,
    createdAt: new Date(t0).toISOString(),
    supervision: { kind: 'running', pid: 100, startedAt: new Date(t0).toISOString() },
    activity: { state, signal: 'hook', detail: state === 'waiting' ? 'permission_prompt' : null, since: new Date(since).toISOString() },
    outputEnd: 0,
    restarts: 0,
    context: null,
    contextWarnTokens: 150_000,
    canResume: false, unconfined: false, confinement: null, ceiling: null,
  };
}

function setup(o: { baseEnv?: Record<string, string>; outputTail?: string } = {}) {
  const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
  let now = t0;
  const clock = (): Date => new Date(now);
  const events = createEventLog(db, 10_000, clock);
  let agents: AgentInfo[] = [];
  const timers: { run: () => void; ms: number; isCancelled: boolean }[] = [];
  const notifier = new Notifier({
    db,
    events,
    repos: createRepoStore(db),
    lanes: createLaneStore(db),
    agents: { list: () => agents, outputTail: () => o.outputTail ?? null },
    merges: () => [],
    baseEnv: o.baseEnv ?? {},
    mask: (t) => t,
    logger: createLogger(() => {}),
    now: clock,
    setTimer: (run, ms) => {
      const timer = { run, ms, isCancelled: false };
      timers.push(timer);
      return { cancel: () => void (timer.isCancelled = true) };
    },
  });
  const armed = () => timers.filter((t) => !t.isCancelled);
  return {
    notifier,
    armed,
    /** The agent as the host now sees it, announced as an event at `at`. */
    async update(a: AgentInfo, at: number): Promise<void> {
      now = at;
      agents = [a];
      events.append({ type: 'agent.updated', agent: a });
      await Promise.resolve(); // the notifier handles events in a microtask
    },
    fire(at: number): void {
      now = at;
      const [timer] = armed();
      timer!.isCancelled = true;
      timer!.run();
    },
    told: () => notifier.handlers()['notifications.list']({ limit: 100 }, undefined as never),
  };
}

const kindsOf = (answer: unknown): string[] => (answer as { ok: true; value: { notifications: { kind: string }[] } }).value.notifications.map((n) => n.kind);

describe('the notifier escalates a wait on a timer', () => {
  it('arms one timer for the wait, fires the escalation once, and arms none after it', async () => {
    const s = setup();
    s.notifier.start();
    expect(s.armed()).toHaveLength(0);
    await s.update(agent('busy', t0), t0);
    expect(s.armed()).toHaveLength(0);
    await s.update(agent('waiting', t0 + MIN), t0 + MIN);
    expect(s.armed().map((t) => t.ms)).toEqual([10 * MIN]);

    s.fire(t0 + 11 * MIN);
    expect(kindsOf(await s.told())).toEqual(['agent.still-waiting', 'agent.waiting']);
    expect(s.armed()).toHaveLength(0);
    s.notifier.stop();
  });

  it('a changed setting re-arms the timer from the start of the wait; 0 disarms it; a stop cancels it', async () => {
    const s = setup();
    s.notifier.start();
    await s.update(agent('waiting', t0), t0);
    expect(s.armed().map((t) => t.ms)).toEqual([10 * MIN]);
    await s.notifier.handlers()['notifications.configure']({ escalateAfterMinutes: 3 }, undefined as never);
    expect(s.armed().map((t) => t.ms)).toEqual([3 * MIN]);
    await s.notifier.handlers()['notifications.configure']({ escalateAfterMinutes: 0 }, undefined as never);
    expect(s.armed()).toHaveLength(0);
    await s.notifier.handlers()['notifications.configure']({ escalateAfterMinutes: 5 }, undefined as never);
    expect(s.armed()).toHaveLength(1);
    s.notifier.stop();
    expect(s.armed()).toHaveLength(0);
  });

  it('an answer before the timer fires ends the wait: nothing is escalated', async () => {
    const s = setup();
    s.notifier.start();
    await s.update(agent('waiting', t0), t0);
    await s.update(agent('busy', t0 + 2 * MIN), t0 + 2 * MIN);
    expect(s.armed()).toHaveLength(0);
    expect(kindsOf(await s.told())).toEqual(['agent.waiting']);
    s.notifier.stop();
  });
});

describe('the notifier quotes an agent’s last words', () => {
  it('masks a secret of the host’s environment before cutting the line to length, so no piece of it is told', async () => {
    const key = 'sk-ant-api03-' + 'Zq9'.repeat(20);
    // The key starts at column 170 of a 250-character line: cut first, a prefix would survive the mask.
    const line = `${'x'.repeat(169)} ${key} ${'y'.repeat(250 - 171 - key.length)}`;
    const s = setup({ baseEnv: { ANTHROPIC_API_KEY: key }, outputTail: `starting\n${line}\n` });
    s.notifier.start();
    await s.update(agent('busy', t0), t0);
    await s.update({ ...agent('idle', t0 + MIN), supervision: { kind: 'crashed', code: 1, signal: null, at: new Date(t0 + MIN).toISOString() } } as AgentInfo, t0 + MIN);
    const told = (await s.told()) as { ok: true; value: { notifications: { kind: string; body: string }[] } };
    const exited = told.value.notifications.find((n) => n.kind === 'agent.exited');
    expect(exited?.body).toMatch(/x{20}/);
    expect(exited?.body).not.toContain(key.slice(0, 12));
    s.notifier.stop();
  });
});
