import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
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

describe('agent runtime, starts and stops interleaved', () => {
  it('a start asked for while a stop still ends the last run\'s processes is cancelled by a stop that follows', async () => {
    const dir = makeTempDir();
    // The main shell ends at the interrupt; a child that ignores it keeps the stop's sweep busy.
    const runtime = runtimeWithPty({ dir, log: logIn(dir), script: "(trap '' INT TERM HUP; sleep 30) & sleep 100", stopTimings: { interruptMs: 300, graceMs: 1500 }, spawned: (p) => void ptys.push(p) });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 5000 });
    const firstStop = runtime.stop();
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('exited'), { timeout: 5000 });
    expect(runtime.start().ok).toBe(true); // queued behind the sweep (a resume, `grove ops start`)
    await runtime.stop(); // the operator's last word
    await firstStop;
    await new Promise((r) => setTimeout(r, 300));
    expect(runtime.info().supervision.kind).toBe('exited');
    expect(runtime.pid).toBeNull();
  });

  it('a start queued behind a stop, with no stop after it, does start', async () => {
    const dir = makeTempDir();
    const runtime = runtimeWithPty({ dir, log: logIn(dir), script: "(trap '' INT TERM HUP; sleep 30) & sleep 100", stopTimings: { interruptMs: 300, graceMs: 1500 }, spawned: (p) => void ptys.push(p) });
    runtimes.push(runtime);
    runtime.start();
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 5000 });
    const stop = runtime.stop();
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('exited'), { timeout: 5000 });
    runtime.start();
    await stop;
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'), { timeout: 5000 });
  });

  it('a restart that cannot even spawn backs off like a crash and, failing on, gives up with an alert', async () => {
    const dir = makeTempDir();
    const alerts: string[] = [];
    let spawns = 0;
    const runtime = runtimeWithPty({
      dir,
      log: logIn(dir),
      script: 'exit 3',
      restart: 'always',
      restartCfg: { minUptimeMs: 5000, initialBackoffMs: 20, maxBackoffMs: 40, maxUnstableRestarts: 3 },
      alert: (m) => alerts.push(m),
      // The first run starts (and fails); every restart's fork fails, as under EAGAIN.
      beforeSpawn: () => {
        if (spawns++ > 0) throw new Error('fork failed: EAGAIN');
      },
      spawned: (p) => void ptys.push(p),
    });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('fatal'), { timeout: 5000 });
    expect(spawns).toBe(4); // the first run, then the budget of 3 restarts, each failing to spawn
    expect(alerts).toEqual([expect.stringMatching(/^writer: gave up after 3 restarts in a row/)]);
  });
});
