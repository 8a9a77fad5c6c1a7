import { spawn } from 'node-pty';
import { describe, expect, it } from 'vitest';
import { drainBeforeClose } from '../../src/host/terminals/drain-on-close';

/**
 * microsoft/node-pty#72: node-pty drops what a PTY still holds 200 ms after its process
 * exits. Here the reader is paused (as flow control pauses it for a lagging client) when
 * the program finishes writing and exits; every byte must still arrive.
 */
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
    for (let i = 0; i < 5; i++) expect(await run(116_384, 100_000, true)).toBe(116_384);
  });
});
