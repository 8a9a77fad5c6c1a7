import { join } from 'node:path';
import { spawn as spawnPty, type IPty } from 'node-pty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentRuntime } from '../../../../src/host/terminals/agent-runtime';
import type { AgentRecord } from '../../../../src/host/terminals/agent-store';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import { DEFAULT_STOP } from '../../../../src/host/terminals/stop-agent-processes';
import { DEFAULT_RESTART } from '../../../../src/host/terminals/supervision';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * The one pause left (docs/protocol.md, "Flow control and catch-up"): while the agent's log
 * cannot take bytes, the agent is paused and its output held; once a write succeeds it
 * resumes and nothing is lost. A real PTY, a real log whose writes are made to fail.
 */
const runtimes: AgentRuntime[] = [];
const ptys: IPty[] = [];
afterEach(() => {
  for (const p of ptys.splice(0)) p.kill('SIGKILL');
  for (const r of runtimes.splice(0)) r.dispose();
  removeTempDirs();
});

describe('agent runtime when its log cannot take bytes', () => {
  it('pauses the agent, says so once, and resumes with every byte in order once the log takes them', async () => {
    const dir = makeTempDir();
    const log = OutputLog.open(join(dir, 'output'), 8 * 1024 * 1024, 512 * 1024);
    const realAppend = log.append.bind(log);
    let diskFull = true;
    vi.spyOn(log, 'append').mockImplementation((chunk: Buffer) => {
      if (diskFull) throw new Error('ENOSPC: no space left on device, write');
      return realAppend(chunk);
    });
    const alerts: string[] = [];
    let pty: IPty | null = null;
    const record = { id: '00000000-0000-4000-8000-000000000001', name: 'writer', lanePath: dir, preset: 'custom', command: '/bin/sh', args: [], env: {}, withholdEnv: [], restart: 'never', autoResume: false, isOpsLoop: false, role: 'worker', dispatchId: null, sessionId: null, contextWarnTokens: 100_000, cols: 80, rows: 24, state: 'exited', pid: null, createdAt: new Date().toISOString() } as unknown as AgentRecord;
    const runtime = new AgentRuntime({
      record,
      log,
      plan: () => ({ file: '/bin/sh', args: ['-c', 'stty raw -echo; i=0; while [ $i -lt 2000 ]; do echo "row $i"; i=$((i+1)); done; echo END; exec sleep 60'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }),
      spawnPty: (plan, cwd, cols, rows) => {
        pty = spawnPty(plan.file, plan.args, { name: 'xterm-256color', cols, rows, cwd, env: plan.env, encoding: null });
        ptys.push(pty);
        vi.spyOn(pty, 'pause');
        vi.spyOn(pty, 'resume');
        return pty;
      },
      restartCfg: DEFAULT_RESTART,
      stopTimings: DEFAULT_STOP,
      changed: () => undefined,
      alert: (m) => alerts.push(m),
      now: () => Date.now(),
      readContext: null,
    });
    runtimes.push(runtime);
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(alerts).toHaveLength(1), { timeout: 5000 });
    expect(alerts[0]).toMatch(/writer is paused: its output cannot be written to its log \(ENOSPC/);
    expect(pty!.pause).toHaveBeenCalled();
    expect(log.end).toBe(0);
    diskFull = false;
    await vi.waitFor(() => expect(log.read(0).data.toString()).toContain('END\n'), { timeout: 10_000 });
    expect(pty!.resume).toHaveBeenCalled();
    const expected = Array.from({ length: 2000 }, (_, i) => `row ${i}\n`).join('') + 'END\n';
    expect(log.read(0).data.toString()).toBe(expected);
    expect(alerts).toHaveLength(1);
  });
});
