import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../../../../src/shared/dispatch';
import type { DispatchStore } from '../../../../src/host/dispatch/dispatch-store';
import { SharedLeases, type LeaseHolder, type SharedClaimPort } from '../../../../src/host/dispatch/shared-leases';
import type { RenewOutcome } from '../../../../src/host/sync/shared-claims';

/**
 * What a holder does when it cannot renew: it gives the claim up while the server's lease,
 * counted from the last renewal the server answered, still runs — never after.
 */
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };
const running = { id: 'd1', briefId: 'b1', briefNumber: 7, agentId: 'a1', agentName: 'agent-brief-7', preset: 'custom', wave: 1, state: 'running', requestedBy: { kind: 'operator', name: 'operator:ana' } } as Dispatch;
const store = { list: () => [running], claims: () => [] } as unknown as DispatchStore;

function rig(leaseMs: number, answers: RenewOutcome[]) {
  let clock = 1_000_000;
  const lost: { holder: LeaseHolder; reason: string }[] = [];
  const port: SharedClaimPort = {
    isEnabled: () => true,
    leaseMs,
    acquire: async () => ({ kind: 'won', since: 'now' }),
    renew: async () => answers.shift() ?? { kind: 'unreachable', message: 'connect ECONNREFUSED' },
    release: async () => ({ kind: 'released' }),
  };
  const leases = new SharedLeases({ shared: port, origin: 'aaaaaaaaaaaa', store, timeoutMs: 10_000, lost: (holder, reason) => lost.push({ holder, reason }), logger, now: () => clock });
  return { leases, lost, tick: (ms: number) => (clock += ms), now: () => clock };
}

describe('SharedLeases', () => {
  it('renews every third of the lease (at most 20 s) and keeps the claim while renewals are answered', async () => {
    const r = rig(120_000, [{ kind: 'renewed' }, { kind: 'renewed' }]);
    expect(r.leases.renewEveryMs).toBe(20_000);
    expect(rig(6000, []).leases.renewEveryMs).toBe(2000);
    await r.leases.acquire('b1', 'd1', 'agent-brief-7, dispatched by operator:ana');
    for (let i = 0; i < 2; i++) {
      r.tick(20_000);
      await r.leases.renewAll();
    }
    expect(r.lost).toEqual([]);
  });

  it('a pass with nothing to renew does not block the next one', async () => {
    let holders: Dispatch[] = [];
    let renewed = 0;
    const leases = new SharedLeases({
      shared: { isEnabled: () => true, leaseMs: 120_000, acquire: async () => ({ kind: 'won', since: 'now' }), renew: async () => (renewed++, { kind: 'renewed' }), release: async () => ({ kind: 'released' }) },
      origin: 'aaaaaaaaaaaa',
      store: { list: () => holders, claims: () => [] } as unknown as DispatchStore,
      timeoutMs: 10_000,
      lost: () => {},
      logger,
      now: () => 0,
    });
    await leases.renewAll();
    holders = [running];
    await leases.renewAll();
    await leases.renewAll();
    expect(renewed).toBe(2);
  });

  it('the store unreachable: the claim is given up before the lease counted from the last answered renewal could end', async () => {
    const r = rig(120_000, []);
    await r.leases.acquire('b1', 'd1', 'x');
    const confirmedAt = r.now();
    let givenUpAt: number | null = null;
    for (let i = 0; i < 10 && givenUpAt === null; i++) {
      r.tick(20_000);
      await r.leases.renewAll();
      if (r.lost.length > 0) givenUpAt = r.now();
    }
    expect(givenUpAt).not.toBeNull();
    // Given up before the server's lease ends, with the slack for what is not counted to spare.
    expect(givenUpAt! + 5_000).toBeLessThanOrEqual(confirmedAt + 120_000);
    // …but not at the first failed renewal: a short outage is ridden out.
    expect(givenUpAt! - confirmedAt).toBeGreaterThan(20_000);
    expect(r.lost[0]!.holder).toMatchObject({ dispatchId: 'd1', agentId: 'a1' });
    expect(r.lost[0]!.reason).toMatch(/^the shared store could not be reached to renew the claim on #7 \(connect ECONNREFUSED\) for \d+ s, so the claim may lapse there/);
  });

  it('another holder took the brief after a lapse: the claim is lost at once, naming it', async () => {
    const r = rig(120_000, [{ kind: 'lost' }]);
    const port = (r.leases as unknown as { deps: { shared: SharedClaimPort } }).deps.shared;
    port.acquire = async () => ({ kind: 'held-by', name: 'agent-brief-7, dispatched by operator:bo', origin: 'bbbbbbbbbbbb', since: '2026-12-04T02:00:00.000Z' });
    r.tick(20_000);
    await r.leases.renewAll();
    expect(r.lost[0]!.reason).toBe('#7 is claimed on host bbbbbbbbbbbb by agent-brief-7, dispatched by operator:bo since 2026-12-04T02:00:00.000Z; this host\'s claim had lapsed');
  });
});
