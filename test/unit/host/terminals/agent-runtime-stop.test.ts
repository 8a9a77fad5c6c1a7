import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import { endedAfterEach, runtimeWithPty } from '../../../fixtures/agent-runtime';
import { makeTempDir } from '../../../fixtures/temp-dir';

/**
 * A stop always ends: a main process whose exit never comes (one that runs as another user
 * after `sudo`, or is stuck in the kernel, which no signal from here ends) is waited for a
 * grace, then said in an alert, and the stop resolves. A real PTY whose process the stop's signals do not reach.
 */
const { runtimes, ptys } = endedAfterEach();

describe('agent runtime stop', () => {
  it('resolves after a grace when the main process never reports its exit, says so, and can be stopped again', async () => {
    const dir = makeTempDir();
    const alerts: string[] = [];
    const runtime = runtimeWithPty({
      dir,
      log: OutputLog.open(join(dir, 'output'), 1024 * 1024, 256 * 1024),
      script: 'exec sleep 60',
      alert: (m) => alerts.push(m),
      stopTimings: { interruptMs: 200, graceMs: 500, exitAfterKillMs: 500 },
      // No signal of the stop reaches it, as with one that runs as another user: it never exits.
      unreachable: true,
      spawned: (p) => void ptys.push(p),
    });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'));
    const stopped = await Promise.race([runtime.stop().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('hung'), 5000))]);
    expect(stopped).toBe('stopped');
    expect(alerts.at(-1)).toMatch(/^writer's process \d+ did not end after SIGKILL \(it may run as another user, or be stuck in the kernel\): end it by hand$/);
    // Shown as running again, not "stopping" for ever: stopping it again sweeps again.
    expect(runtime.info().supervision.kind).toBe('running');
    await runtime.stop();
    expect(alerts.filter((a) => a.includes('did not end after SIGKILL'))).toHaveLength(2);
  });
  it('a stop that could not end the run still holds when the run ends later (ended by hand): no restart follows', async () => {
    const dir = makeTempDir();
    let spawns = 0;
    const runtime = runtimeWithPty({
      dir,
      log: OutputLog.open(join(dir, 'output'), 1024 * 1024, 256 * 1024),
      script: 'exec sleep 60',
      restart: 'on-failure',
      restartCfg: { minUptimeMs: 5000, initialBackoffMs: 20, maxBackoffMs: 40, maxUnstableRestarts: 3, settledUptimeMs: 600_000 },
      stopTimings: { interruptMs: 200, graceMs: 500, exitAfterKillMs: 500 },
      unreachable: true,
      spawned: (p) => (spawns++, void ptys.push(p)),
    });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('running'));
    await runtime.stop();
    expect(runtime.info().supervision.kind).toBe('running');
    // The operator ends it by hand, as the alert asks: a death by signal, which on-failure restarts.
    process.kill(runtime.pid!, 'SIGKILL');
    await vi.waitFor(() => expect(runtime.info().supervision.kind).toBe('exited'));
    await new Promise((r) => setTimeout(r, 200));
    expect(runtime.info().supervision.kind).toBe('exited');
    expect(spawns).toBe(1);
  });
});
