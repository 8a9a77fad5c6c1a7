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
const queued = { ...running, id: 'dq', agentId: null, state: 'queued' } as Dispatch;
const store = { list: () => [running], claims: () => [], get: (id: string) => [running, queued].find((d) => d.id === id) ?? null } as unknown as DispatchStore;

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

/** Leases over a store answering as `port` says, on a clock that stands still. */
function leasesOver(port: Pick<SharedClaimPort, 'acquire' | 'renew' | 'release'>): SharedLeases {
  return new SharedLeases({ shared: { isEnabled: () => true, leaseMs: 120_000, ...port }, origin: 'aaaaaaaaaaaa', store, timeoutMs: 10_000, lost: () => {}, logger, now: () => 0 });
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

  it('an acquire left unanswered is given back (the store may have taken it), and the next acquire waits for that', async () => {
    const calls: string[] = [];
    let answerRelease: () => void = () => {};
    const leases = leasesOver({
      acquire: async (briefId, holder) => (calls.push(`acquire ${briefId} ${holder.id}`), calls.length === 1 ? { kind: 'unreachable', message: 'timed out after 10000 ms' } : { kind: 'won', since: 'now' }),
      renew: async () => ({ kind: 'renewed' }),
      release: (briefId, holder) => {
        calls.push(`release ${briefId} ${holder.origin} ${holder.id}`);
        return new Promise((resolve) => (answerRelease = () => resolve({ kind: 'released' })));
      },
    });
    expect(await leases.acquire('b1', 'd1', 'x')).toEqual({ kind: 'unreachable', message: 'timed out after 10000 ms' });
    expect(leases.holds('b1', 'd1')).toBe(false);
    expect(calls).toEqual(['acquire b1 d1', 'release b1 aaaaaaaaaaaa d1']);
    let second: string | null = null;
    const again = leases.acquire('b1', 'd1', 'x').then((r) => (second = r.kind));
    await new Promise((r) => setTimeout(r, 10));
    expect(second).toBeNull(); // waiting for the release
    answerRelease();
    await again;
    expect(second).toBe('won');
    expect(calls).toEqual(['acquire b1 d1', 'release b1 aaaaaaaaaaaa d1', 'acquire b1 d1']);
    expect(leases.holds('b1', 'd1')).toBe(true);
  });

  it('an unanswered acquire for a claim the holder already holds gives nothing back (renewing decides about it)', async () => {
    const released: string[] = [];
    let answer: 'won' | 'unreachable' = 'won';
    const leases = leasesOver({
      acquire: async () => (answer === 'won' ? { kind: 'won', since: 'now' } : { kind: 'unreachable', message: 'timed out after 10000 ms' }),
      renew: async () => ({ kind: 'renewed' }),
      release: async (_b, holder) => (released.push(holder.id), { kind: 'released' }),
    });
    expect((await leases.acquire('b1', 'd1', 'x')).kind).toBe('won');
    answer = 'unreachable';
    // The dispatch's agent claims the brief under the dispatch's id (claim_brief, a first recall).
    expect((await leases.acquire('b1', 'd1', 'x')).kind).toBe('unreachable');
    expect(released).toEqual([]);
    expect(leases.holds('b1', 'd1')).toBe(true);
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

/** A store that stops answering: every request hangs until the step timeout, as a blackholed link does. */
function blackholeRig(n: number, leaseMs: number, timeoutMs: number) {
  let clock = 0;
  const pending: { due: number; resolve: () => void }[] = [];
  const hang = <T>(answer: T): Promise<T> => new Promise((res) => pending.push({ due: clock + timeoutMs, resolve: () => res(answer) }));
  const dispatches = Array.from({ length: n }, (_, i) => ({ ...running, id: `d${i}`, briefId: `b${i}`, briefNumber: i + 1, agentId: `a${i}` }));
  const lost: { holder: LeaseHolder; at: number }[] = [];
  const held = () => dispatches.filter((d) => !lost.some((l) => l.holder.dispatchId === d.id));
  let up = true;
  const port: SharedClaimPort = {
    isEnabled: () => true,
    leaseMs,
    acquire: async () => ({ kind: 'won', since: 'now' }),
    renew: () => (up ? Promise.resolve({ kind: 'renewed' as const }) : hang({ kind: 'unreachable' as const, message: 'did not answer within 10 s' })),
    release: async () => ({ kind: 'released' }),
  };
  const store = { list: () => held(), claims: () => [] } as unknown as DispatchStore;
  const leases = new SharedLeases({ shared: port, origin: 'aaaaaaaaaaaa', store, timeoutMs, lost: (holder) => lost.push({ holder, at: clock }), logger, now: () => clock });
  /** Runs the host's beat (a renewal tick every renewEveryMs) for `ms`, a second at a time. */
  const run = async (ms: number): Promise<void> => {
    let nextTick = clock + leases.renewEveryMs;
    for (const end = clock + ms; clock < end; ) {
      clock += 1000;
      if (clock >= nextTick) {
        void leases.renewAll();
        nextTick += leases.renewEveryMs;
      }
      for (const p of pending.filter((x) => x.due <= clock)) {
        pending.splice(pending.indexOf(p), 1);
        p.resolve();
      }
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
  };
  return { leases, lost, run, now: () => clock, blackhole: () => (up = false), dispatches };
}

describe('SharedLeases with many holders and a blackholed store', () => {
  it('renews them at the same time, and gives each up before the server lease from its last answered renewal ends', async () => {
    const r = blackholeRig(5, 120_000, 10_000);
    for (const d of r.dispatches) await r.leases.acquire(d.briefId, d.id, 'x');
    await r.run(20_000);
    const lastGood = r.now() - (r.now() % 20_000); // the last tick's renewals were answered at once
    r.blackhole();
    await r.run(200_000);
    expect(r.lost).toHaveLength(5);
    for (const l of r.lost) expect(l.at + 5_000, `holder ${l.holder.dispatchId}`).toBeLessThanOrEqual(lastGood + 120_000);
  });

  it('after a restart a claim with no record is confirmed at once; one the store cannot confirm is given up, saying why', async () => {
    const r = blackholeRig(1, 120_000, 10_000);
    r.blackhole();
    const pass = r.leases.renewAll();
    await r.run(10_000);
    await pass;
    expect(r.lost).toHaveLength(1);
    expect(r.lost[0]!.at).toBe(10_000);
    const rr = rig(120_000, [{ kind: 'renewed' }]);
    await rr.leases.renewAll();
    expect(rr.lost).toEqual([]);
    expect(rr.leases.holds('b1', 'd1')).toBe(true);
  });
});

describe('SharedLeases releases', () => {
  function releaseRig() {
    const calls: string[] = [];
    let answer: () => void = () => {};
    const port: SharedClaimPort = {
      isEnabled: () => true,
      leaseMs: 120_000,
      acquire: async (_b, h, replaceable) => (calls.push(`acquire ${h.id} replaces d0:${replaceable?.('d0')} d1:${replaceable?.('d1')} dq:${replaceable?.('dq')}`), { kind: 'won', since: 'now' }),
      renew: async () => ({ kind: 'renewed' }),
      release: (_b, h) => (calls.push(`release ${h.id}`), new Promise((res) => (answer = () => res({ kind: 'released' })))),
    };
    const leases = new SharedLeases({ shared: port, origin: 'aaaaaaaaaaaa', store, timeoutMs: 10_000, lost: () => {}, logger, now: () => 0 });
    return { leases, calls, answer: () => answer() };
  }

  it('sends nothing for a holder that never held the claim', async () => {
    const r = releaseRig();
    await r.leases.release('b1', 'd9');
    expect(r.calls).toEqual([]);
  });

  it("a successor's acquire waits for the brief's release, and may take over a row of this host's holder that no longer works", async () => {
    const r = releaseRig();
    await r.leases.acquire('b1', 'd0', 'x');
    const released = r.leases.release('b1', 'd0');
    const next = r.leases.acquire('b1', 'd1', 'y');
    await new Promise((res) => setTimeout(res, 10));
    expect(r.calls).toEqual(['acquire d0 replaces d0:true d1:false dq:false', 'release d0']);
    r.answer();
    await released;
    await next;
    // d1 (running) works here and dq (queued: it may have won the claim and be about to start) may; d0 does not.
    expect(r.calls.at(-1)).toBe('acquire d1 replaces d0:true d1:false dq:false');
  });
});
