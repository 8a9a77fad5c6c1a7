import { spawn } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { drainBeforeClose } from '../../src/host/terminals/drain-on-close';

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
