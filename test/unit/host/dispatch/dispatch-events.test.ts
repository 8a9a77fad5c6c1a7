import { describe, expect, it, vi } from 'vitest';
import type { EventLog } from '../../../../src/host/events/event-log';
import { watchDispatchEvents } from '../../../../src/host/dispatch/dispatch-events';
import type { EventEnvelope } from '../../../../src/shared/events';

/**
 * Dispatch's reactions wait for the host's start to bring the agents back: before that an
 * agent not yet resumed reads as gone, and a recovery released its claims.
 */
function fakeLog(): { log: EventLog; tell(e: unknown): void } {
  const listeners = new Set<(e: EventEnvelope) => void>();
  const log = { subscribe: (l: (e: EventEnvelope) => void) => (listeners.add(l), () => listeners.delete(l)) } as unknown as EventLog;
  return { log, tell: (event) => listeners.forEach((l) => l({ seq: 1, at: 't', event } as unknown as EventEnvelope)) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('dispatch events', () => {
  it('recover, renew and react only once the start has brought the agents back', async () => {
    const { log, tell } = fakeLog();
    const dispatches = { recover: vi.fn(), agentEnded: vi.fn(), briefsChanged: vi.fn(), agentRunning: vi.fn(), planAccepted: vi.fn() };
    const claims = { renew: vi.fn(), releaseAllOf: vi.fn() };
    let started!: () => void;
    const startup = new Promise<void>((r) => (started = r));
    const stop = watchDispatchEvents(log, { dispatches: dispatches as never, claims: claims as never, autoLink: { onEvent: vi.fn() } as never }, startup);
    tell({ type: 'agent.updated', agent: { id: 'a1', name: 'worker', dispatchId: null, supervision: { kind: 'exited', code: 0, signal: null } } });
    for (let i = 0; i < 5; i++) await tick();
    expect(dispatches.recover).not.toHaveBeenCalled();
    expect(claims.renew).not.toHaveBeenCalled();
    expect(claims.releaseAllOf).not.toHaveBeenCalled();
    started();
    for (let i = 0; i < 5; i++) await tick();
    expect(dispatches.recover).toHaveBeenCalledTimes(1);
    expect(claims.renew).toHaveBeenCalledTimes(1);
    expect(claims.releaseAllOf).toHaveBeenCalledWith('a1', 'worker exited (code 0)');
    stop();
  });

  it('an agent lost at start and running again by the time the reaction runs keeps its claims', async () => {
    const { log, tell } = fakeLog();
    const dispatches = { recover: vi.fn(), agentEnded: vi.fn(), briefsChanged: vi.fn() };
    const claims = { renew: vi.fn(), releaseAllOf: vi.fn() };
    const stop = watchDispatchEvents(log, { dispatches: dispatches as never, claims: claims as never, autoLink: { onEvent: vi.fn() } as never, isLive: (id) => id === 'resumed' }, Promise.resolve());
    tell({ type: 'agent.updated', agent: { id: 'resumed', name: 'worker', dispatchId: null, supervision: { kind: 'lost' } } });
    tell({ type: 'agent.updated', agent: { id: 'gone', name: 'other', dispatchId: null, supervision: { kind: 'lost' } } });
    for (let i = 0; i < 5; i++) await tick();
    expect(claims.releaseAllOf).toHaveBeenCalledTimes(1);
    expect(claims.releaseAllOf).toHaveBeenCalledWith('gone', 'other was lost');
    stop();
  });
});
