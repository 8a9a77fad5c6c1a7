import { readSync } from 'node:fs';
import type { IPty } from 'node-pty';

/**
 * The most read from the master fd at the close: far more than a PTY's kernel buffer holds. A
 * process the agent left in the background (`yes &`, a watcher) keeps the PTY open and may keep
 * filling it for ever; read on the host's one thread, it would never run dry, and the host would
 * answer nothing until that process ended. What it prints past this is not the agent's output.
 */
export const MAX_DRAIN_BYTES = 1024 * 1024;

/**
 * Works around microsoft/node-pty#72 on Unix: when an agent exits, node-pty waits at most
 * 200 ms for its read stream to finish and then destroys it, throwing away whatever the
 * kernel still holds for the PTY (and whatever the paused stream had buffered). Under load,
 * or while flow control has the stream paused, that is the agent's last output.
 *
 * Before node-pty closes the stream, this hands on everything still readable: first what
 * the stream buffered (through its own data listeners), then, to `deliver`, what the master
 * fd still holds, read until the kernel says there is no more (EAGAIN), the other side is
 * gone and empty (EIO), or MAX_DRAIN_BYTES came. It reaches into node-pty's private `_socket`
 * and `_fd`; if a node-pty release renames them, the workaround switches itself off and the
 * tests that check every byte will say so.
 */
export function drainBeforeClose(pty: IPty, deliver: (data: Buffer) => void): void {
  const internals = pty as unknown as {
    _socket?: { destroy(...args: unknown[]): unknown; read(): unknown };
    _fd?: number;
  };
  const socket = internals._socket;
  const fd = internals._fd;
  if (!socket || typeof socket.destroy !== 'function' || typeof fd !== 'number') return;
  const destroy = socket.destroy.bind(socket);
  let drained = false;
  socket.destroy = (...args: unknown[]) => {
    if (!drained) {
      drained = true;
      try {
        // read() hands what the stream buffered to its own 'data' listeners (node-pty's
        // onData, already wired to `deliver`): calling it is enough.
        while (socket.read() !== null) {
          /* delivered through 'data' */
        }
        const buf = Buffer.allocUnsafe(64 * 1024);
        for (let read = 0; read < MAX_DRAIN_BYTES; ) {
          const n = readSync(fd, buf, 0, buf.length, null);
          read += n;
          if (n <= 0) break;
          deliver(Buffer.from(buf.subarray(0, n)));
        }
      } catch {
        /* EAGAIN: nothing more for now; EIO: the other side is closed and empty */
      }
    }
    return destroy(...args);
  };
}
