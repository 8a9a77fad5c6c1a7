import { join } from 'node:path';
import type { IPty } from 'node-pty';
import { describe, expect, it, vi } from 'vitest';
import type { AgentRuntime } from '../../../../src/host/terminals/agent-runtime';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import type { StopTimings } from '../../../../src/host/terminals/stop-agent-processes';
import { endedAfterEach, runtimeWithPty } from '../../../fixtures/agent-runtime';
import { makeTempDir } from '../../../fixtures/temp-dir';

/**
 * The one pause left (docs/protocol.md, "Flow control and catch-up"): while the agent's log
 * cannot take bytes, the agent is paused and its output held; once a write succeeds it
 * resumes and nothing is lost. A real PTY, a real log whose writes are made to fail.
 */
const { runtimes, ptys } = endedAfterEach();

/** A runtime over `log` running `script`, its alerts and its PTYs kept, each PTY's pause and resume watched. */
function watched(dir: string, log: OutputLog, script: string, stopTimings?: StopTimings): { runtime: AgentRuntime; alerts: string[]; spawned: IPty[] } {
  const alerts: string[] = [];
  const spawned: IPty[] = [];
  const runtime = runtimeWithPty({
    dir,
    log,
    script,
    alert: (m) => alerts.push(m),
    ...(stopTimings ? { stopTimings } : {}),
    spawned: (p) => {
      spawned.push(p);
      ptys.push(p);
      vi.spyOn(p, 'pause');
      vi.spyOn(p, 'resume');
    },
  });
  runtimes.push(runtime);
  return { runtime, alerts, spawned };
}

/** A real log in a temp dir whose writes fail while `disk.full`. */
function fullDisk(): { dir: string; log: OutputLog; disk: { full: boolean } } {
  const dir = makeTempDir();
  const log = OutputLog.open(join(dir, 'output'), 8 * 1024 * 1024, 512 * 1024);
  const realAppend = log.append.bind(log);
  const disk = { full: true };
  vi.spyOn(log, 'append').mockImplementation((chunk: Buffer) => {
    if (disk.full) throw new Error('ENOSPC: no space left on device, write');
    return realAppend(chunk);
  });
  return { dir, log, disk };
}

describe('agent runtime when its log cannot take bytes', () => {
  it('pauses the agent, says so once, and resumes with every byte in order once the log takes them', async () => {
    const { dir, log, disk } = fullDisk();
    const { runtime, alerts, spawned } = watched(dir, log, 'stty raw -echo; i=0; while [ $i -lt 2000 ]; do echo "row $i"; i=$((i+1)); done; echo END; exec sleep 60');
    const pty = (): IPty => spawned[0]!;
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(alerts).toHaveLength(1), { timeout: 5000 });
    expect(alerts[0]).toMatch(/writer is paused: its output cannot be written to its log \(ENOSPC/);
    expect(pty().pause).toHaveBeenCalled();
    expect(log.end).toBe(0);
    disk.full = false;
    await vi.waitFor(() => expect(log.read(0).data.toString()).toContain('END\n'), { timeout: 10_000 });
    expect(pty().resume).toHaveBeenCalled();
    const expected = Array.from({ length: 2000 }, (_, i) => `row ${i}\n`).join('') + 'END\n';
    expect(log.read(0).data.toString()).toBe(expected);
    expect(alerts).toHaveLength(1);
  });

  it('a run started while the log still cannot take bytes waits paused too, and resumes with the rest', async () => {
    const { dir, log, disk } = fullDisk();
    const { runtime, alerts, spawned } = watched(dir, log, 'echo "run starts"; exec sleep 60', { interruptMs: 200, graceMs: 500 });
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(alerts).toHaveLength(1), { timeout: 5000 });
    await runtime.stop();
    // Started again (the operator, or its supervisor) with the first run's output still held.
    expect(runtime.start().ok).toBe(true);
    expect(spawned).toHaveLength(2);
    expect(spawned[1]!.pause).toHaveBeenCalled();
    disk.full = false;
    await vi.waitFor(() => expect(spawned[1]!.resume).toHaveBeenCalled(), { timeout: 10_000 });
    await vi.waitFor(() => expect(log.read(0).data.toString().split('run starts').length - 1).toBe(2), { timeout: 10_000 });
  });

  it('a start that cannot spawn on a full disk still ends crashed, and its reason reaches the log once the disk has room', async () => {
    const { dir, log, disk } = fullDisk();
    const runtime = runtimeWithPty({ dir, log, script: 'true', beforeSpawn: () => { throw new Error('fork failed: EAGAIN'); } });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    // Not left "starting" (which nothing announces, and which neither stop nor remove can leave).
    expect(runtime.info().supervision).toEqual({ kind: 'crashed', code: null, signal: null });
    disk.full = false;
    await vi.waitFor(() => expect(log.read(0).data.toString()).toContain('[grove] could not start /bin/sh: fork failed: EAGAIN'), { timeout: 5000 });
  });
});
