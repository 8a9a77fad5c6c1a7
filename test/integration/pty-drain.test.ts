import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { drainBeforeClose, MAX_DRAIN_BYTES } from '../../src/host/terminals/drain-on-close';

/**
 * microsoft/node-pty#72: node-pty drops what a PTY still holds 200 ms after its process
 * exits. Here the reader is paused (as flow control pauses it for a lagging client) when
 * the program finishes writing and exits; every byte must still arrive.
 *
 * The reader pauses 4 KiB before the end: what is left must fit in the kernel's PTY buffer,
 * or the program blocks writing it (flow control working) and never exits. Pausing 16 KiB
 * before the end was at that edge: under a loaded CI run it hung once. Without the drain,
 * these 4 KiB are lost every time (checked by hand), so the test still tells.
 */
const TOTAL = 116_384;
const LEFT_WHEN_PAUSED = 4096;
function run(total: number, pauseAfter: number, drain: boolean): Promise<number> {
  return new Promise((resolve) => {
    const pty = spawn('/bin/sh', ['-c', `stty raw -echo; head -c ${total} /dev/zero | tr '\\0' 'a'; exit 0`], { encoding: null });
    let got = 0;
    let paused = false;
    const deliver = (d: Buffer): void => {
      got += d.length;
      if (!paused && got >= pauseAfter) {
        paused = true;
        pty.pause();
      }
    };
    pty.onData((d) => deliver(d as unknown as Buffer));
    if (drain) drainBeforeClose(pty, deliver);
    pty.onExit(() => resolve(got));
  });
}

describe('draining a PTY whose program exited while it was paused', () => {
  it('delivers every byte, every time', async () => {
    for (let i = 0; i < 5; i++) expect(await run(TOTAL, TOTAL - LEFT_WHEN_PAUSED, true)).toBe(TOTAL);
  });
});

describe('draining a PTY a background process keeps filling after the agent exited', () => {
  it('stops after MAX_DRAIN_BYTES, so the host is not held until that process ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grove-drain-'));
    const pidFile = join(dir, 'pid');
    // `yes` ignores the hang-up its session leader's exit sends, and holds the PTY open.
    const pty = spawn('/bin/sh', ['-c', `stty raw -echo; trap '' HUP; yes & echo $! > ${pidFile}; sleep 0.3; exit 0`], { encoding: null });
    let drained = 0;
    // Only what the drain reads from the fd is counted: the stream's own output goes by.
    pty.onData(() => undefined);
    drainBeforeClose(pty, (d) => {
      drained += d.length;
      // Without the limit this would read for ever on this thread: thrown, the drain stops (it
      // takes any error for the end), and the count below says it went past the limit.
      if (drained > 8 * MAX_DRAIN_BYTES) throw new Error('still draining');
    });
    try {
      // node-pty reports the exit once its stream is closed (200 ms at most): the drain ran then.
      await new Promise<void>((resolve) => pty.onExit(() => resolve()));
      expect(drained).toBeGreaterThan(0);
      expect(drained).toBeLessThanOrEqual(MAX_DRAIN_BYTES + 64 * 1024);
    } finally {
      const pid = Number(readFileSync(pidFile, 'utf8'));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* ended when the PTY closed */
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
