import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { IPty } from 'node-pty';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OutputLog } from '../../../../src/host/terminals/output-log';
import { ScreenReader } from '../../../../src/host/terminals/screen/screen-reader';
import { runtimeWithPty } from '../../../fixtures/agent-runtime';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * A removed agent's screen reader stops with it: the headless terminal still runs the write
 * callbacks it had queued after it is disposed, and those must not feed it again from the
 * agent's log (closed, its directory deleted). A real PTY flooding a Claude-preset agent.
 */
const ptys: IPty[] = [];
afterEach(() => {
  for (const p of ptys.splice(0)) p.kill('SIGKILL');
  removeTempDirs();
});

describe('agent runtime disposed mid-flood', () => {
  it('never reads its log again once disposed', async () => {
    const dir = makeTempDir();
    const logDir = join(dir, 'output');
    const log = OutputLog.open(logDir, 64 * 1024 * 1024, 4096); // reads come from disk
    const reads = vi.spyOn(log, 'read');
    const runtime = runtimeWithPty({
      dir,
      log,
      preset: 'claude',
      script: 'stty raw -echo; yes "a line of a flood, coloured \x1b[31mred\x1b[0m" | head -c 20000000; exec sleep 60',
      spawned: (p) => ptys.push(p),
    });
    // Removed right after the screen reader was handed a piece: its callback is still queued.
    let readsAtDispose = -1;
    const write = ScreenReader.prototype.write;
    vi.spyOn(ScreenReader.prototype, 'write').mockImplementation(function (this: ScreenReader, data, done) {
      write.call(this, data, done);
      if (readsAtDispose !== -1 || log.end < 2 * 1024 * 1024) return;
      ptys[0]!.kill('SIGKILL');
      runtime.dispose();
      readsAtDispose = reads.mock.calls.length;
      rmSync(logDir, { recursive: true, force: true });
    });
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(readsAtDispose).not.toBe(-1), { timeout: 10_000 });
    await new Promise((r) => setTimeout(r, 500));
    expect(reads.mock.calls.length).toBe(readsAtDispose);
  });
});

describe('agent runtime removed while its process lives on (a stop could not end it)', () => {
  it('writes nothing and announces nothing when that process ends later: no ghost of the removed agent', async () => {
    const dir = makeTempDir();
    const logDir = join(dir, 'output');
    let changes = 0;
    const runtime = runtimeWithPty({
      dir,
      log: OutputLog.open(logDir, 1024 * 1024, 4096),
      // Shrugs off the hang-up disposing sends, and goes on printing.
      script: "trap '' HUP; while :; do echo tick; sleep 0.05; done",
      spawned: (p) => ptys.push(p),
      changed: () => changes++,
    });
    expect(runtime.start().ok).toBe(true);
    await vi.waitFor(() => expect(runtime.info().outputEnd).toBeGreaterThan(0));
    const pid = runtime.pid!;
    runtime.dispose();
    // As the service's forget does: the record and its output folder go.
    rmSync(logDir, { recursive: true, force: true });
    const changesAtDispose = changes;
    await new Promise((r) => setTimeout(r, 300));
    // Heard after the runtime's own listener, registered first.
    const exited = new Promise<void>((resolve) => ptys.at(-1)!.onExit(() => resolve()));
    process.kill(pid, 'SIGKILL');
    await exited;
    await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(logDir)).toBe(false);
    expect(changes).toBe(changesAtDispose);
  });
});

