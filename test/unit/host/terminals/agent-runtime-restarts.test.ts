import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { AgentRuntime } from '../../../../src/host/terminals/agent-runtime';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import { endedAfterEach, runtimeWithPty } from '../../../fixtures/agent-runtime';
import { makeTempDir } from '../../../fixtures/temp-dir';

/**
 * Starts and stops as the operator and the supervisor interleave them, on real PTYs: the
 * operator's last stop is the last word, and an agent meant to be kept alive is never left
 * down without a word.
 */
const { runtimes, ptys } = endedAfterEach();
const logIn = (dir: string): OutputLog => OutputLog.open(join(dir, 'output'), 1024 * 1024, 256 * 1024);

/** What the runtimes said (a stop that could not end its run says why): shown when a wait for a state fails. */
const alerts: string[] = [];
const exited = (runtime: AgentRuntime) => () => expect(runtime.info().supervision.kind, `alerts: ${alerts.join(' | ') || 'none'}`).toBe('exited');

/** A runtime running `script` on a real PTY, stopped with `interruptMs` before its TERM. */
async function running(script: string, interruptMs = 300): Promise<AgentRuntime> {
  const dir = makeTempDir();
  const runtime = runtimeWithPty({ dir, log: logIn(dir), script, stopTimings: { interruptMs, graceMs: 1500 }, alert: (m) => void alerts.push(m), spawned: (p) => void ptys.push(p) });
  runtimes.push(runtime);
  expect(runtime.start().ok).toBe(true);
  await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 15_000 });
  return runtime;
}

// Real PTYs, and a stop's sweep that waits out its interrupt and grace (about 2 s) before the
// next run: with every other test file running beside them on 2 cores, a start alone has taken
// over 5 s, so the waits are long (they end as soon as the state is reached).
describe('agent runtime, starts and stops interleaved', { timeout: 60_000 }, () => {
  it('a start asked for while a stop still ends the last run\'s processes is cancelled by a stop that follows', async () => {
    // The main shell ends at the interrupt; a child that ignores it keeps the stop's sweep busy.
    const runtime = await running("(trap '' INT TERM HUP; sleep 30) & sleep 100");
    const firstStop = runtime.stop();
    await vi.waitFor(exited(runtime), { timeout: 15_000 });
    expect(runtime.start().ok).toBe(true); // queued behind the sweep (a resume, `grove ops start`)
    await runtime.stop(); // the operator's last word
    await firstStop;
    await new Promise((r) => setTimeout(r, 300));
    expect(runtime.info().supervision.kind).toBe('exited');
    expect(runtime.pid).toBeNull();
  });

  it("a restart (stop, then start) joined by the operator's stop while it stops starts nothing: the stop is the last word", async () => {
    // Ends only at the TERM after its interrupt: the restart's stop takes a moment, as Claude's does.
    const runtime = await running("trap '' INT; sleep 100", 400);
    let started = 0;
    const restart = runtime.stopThen(() => (started++, runtime.start()));
    expect(runtime.info().supervision.kind).toBe('stopping');
    await runtime.stop(); // the Stop button, still shown while it stops
    expect(await restart).toBeNull();
    expect(started).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(runtime.info().supervision.kind).toBe('exited');
  });

  it('a restart with no stop after its own starts the next run', async () => {
    const runtime = await running('sleep 100');
    const first = runtime.pid;
    expect((await runtime.stopThen(() => runtime.start()))?.ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 15_000 });
    expect(runtime.pid).not.toBe(first);
  });

  it('a start queued behind a stop, with no stop after it, does start', async () => {
    const runtime = await running("(trap '' INT TERM HUP; sleep 30) & sleep 100");
    const stop = runtime.stop();
    await vi.waitFor(exited(runtime), { timeout: 15_000 });
    runtime.start();
    await stop;
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 15_000 });
  });

  it('a run that crashed leaving a server behind (setsid) has it ended before its restart, and before a start the operator asks for', async () => {
    // Each run starts a "server" in a session of its own (out of the run's process group),
    // then crashes.
    const crashing = (restart: 'on-failure' | 'never') => {
      const dir = makeTempDir();
      const pids = join(dir, 'pids');
      const script = `setsid sleep 300 < /dev/null > /dev/null 2>&1 & echo $! >> ${pids}; sleep 0.3; exit 1`;
      const runtime = runtimeWithPty({ dir, log: logIn(dir), script, restart, restartCfg: { minUptimeMs: 0, initialBackoffMs: 200, maxBackoffMs: 200, maxUnstableRestarts: 5, settledUptimeMs: 0 }, stopTimings: { interruptMs: 100, graceMs: 500 }, alert: (m) => void alerts.push(m), spawned: (p) => void ptys.push(p) });
      runtimes.push(runtime);
      const servers = (): number[] => (existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').map(Number) : []);
      return { runtime, servers };
    };
    // Running, not a zombie (this machine's init may be slow to reap what was reparented to it).
    const alive = (pid: number): boolean => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    // Restarted by its supervisor: the next run starts once the last one's server is gone.
    const kept = crashing('on-failure');
    expect(kept.runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(kept.servers().length).toBeGreaterThanOrEqual(2), { timeout: 20_000 });
    expect(alive(kept.servers()[0]!)).toBe(false);
    await kept.runtime.stop();
    expect(kept.servers().filter(alive)).toEqual([]);
    // Started again by the operator after it crashed (no restart): the same.
    const once = crashing('never');
    expect(once.runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(once.runtime.info().supervision.kind).toBe('crashed'), { timeout: 20_000 });
    const [left] = once.servers();
    expect(alive(left!)).toBe(true);
    expect(once.runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(once.servers()).toHaveLength(2), { timeout: 20_000 });
    expect(alive(left!)).toBe(false);
    await vi.waitFor(() => expect(once.runtime.info().supervision.kind).toBe('crashed'), { timeout: 20_000 });
    await once.runtime.stop(); // and the second run's, as a stop of a crashed agent does
    expect(once.servers().filter(alive)).toEqual([]);
  });

  /** A runtime whose spawns fail from the `failFrom`-th on (0: every one), as under EAGAIN or a confinement that cannot be set up. */
  const failingSpawns = (restart: 'always' | 'never', failFrom: number, script: string, maxUnstableRestarts: number) => {
    const dir = makeTempDir();
    const alerts: string[] = [];
    let spawns = 0;
    const runtime = runtimeWithPty({
      dir,
      log: logIn(dir),
      script,
      restart,
      restartCfg: { minUptimeMs: 5000, initialBackoffMs: 20, maxBackoffMs: 40, maxUnstableRestarts, settledUptimeMs: 600_000 },
      alert: (m) => alerts.push(m),
      beforeSpawn: () => {
        if (spawns++ >= failFrom) throw new Error(failFrom === 0 ? 'confinement cannot be set up: bwrap is gone' : 'fork failed: EAGAIN');
      },
      spawned: (p) => void ptys.push(p),
    });
    runtimes.push(runtime);
    return { runtime, alerts, spawns: () => spawns };
  };

  it('a restart that cannot even spawn backs off like a crash and, failing on, gives up with an alert', async () => {
    // The first run starts (and fails); every restart's fork fails.
    const { runtime, alerts, spawns } = failingSpawns('always', 1, 'exit 3', 3);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('fatal'), { timeout: 15_000 });
    expect(spawns()).toBe(4); // the first run, then the budget of 3 restarts, each failing to spawn
    expect(alerts).toEqual([expect.stringMatching(/^writer: gave up after 3 restarts in a row/)]);
  });

  it('a first start that cannot spawn is said: one meant to be kept alive (the ops loop a host start brings back) backs off and gives up with an alert; one that is not ends crashed with one', async () => {
    const kept = failingSpawns('always', 0, 'sleep 60', 2);
    expect(kept.runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(kept.runtime.info().supervision.kind).toBe('fatal'), { timeout: 15_000 });
    expect(kept.spawns()).toBe(3); // the start, then the budget of 2 restarts
    expect(kept.alerts).toEqual([expect.stringMatching(/^writer: gave up after 2 restarts in a row/)]);
    const once = failingSpawns('never', 0, 'sleep 60', 2);
    expect(once.runtime.start().ok).toBe(true);
    expect(once.runtime.info().supervision).toEqual({ kind: 'crashed', code: null, signal: null });
    expect(once.alerts).toEqual(['writer could not start: confinement cannot be set up: bwrap is gone']);
  });
});
