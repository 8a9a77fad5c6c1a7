import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startEventStream, REPLAY_PAGE_EVENTS, STREAM_HIGH_WATER_BYTES, type EventStreamSink } from '../../../../src/host/api/event-stream';
import { openDatabase } from '../../../../src/host/db/database';
import { createEventLog, type EventLog } from '../../../../src/host/events/event-log';
import type { HostFrame } from '../../../../src/shared/wire';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A client socket the test drives: it holds write callbacks until the test says the socket wrote. */
class ScriptedSink implements EventStreamSink {
  readonly frames: HostFrame[] = [];
  buffered = 0;
  private readonly unwritten: (() => void)[] = [];

  send(frame: HostFrame, written?: () => void): void {
    this.frames.push(frame);
    if (written) this.unwritten.push(written);
  }

  bufferedAmount(): number {
    return this.buffered;
  }

  isOpen(): boolean {
    return true;
  }

  /** The socket wrote everything handed to it so far. */
  write(): void {
    for (const w of this.unwritten.splice(0)) w();
  }

  seqs(): number[] {
    return this.frames.flatMap((f) => (f.kind === 'event' ? [f.envelope.seq] : []));
  }

  kinds(): string[] {
    return this.frames.map((f) => f.kind);
  }
}

const removed = (id: string) => ({ type: 'repo.removed' as const, id });
const settle = (ms = 0): Promise<void> => new Promise((r) => setTimeout(r, ms));

function logWith(n: number): EventLog {
  const { db } = openDatabase(join(makeTempDir(), 'g.db'));
  const log = createEventLog(db);
  // One transaction: a thousand separate commits take seconds on a busy disk.
  db.transaction(() => {
    for (let i = 0; i < n; i++) log.append(removed(String(i)));
  })();
  return log;
}

const quiet = { warn: () => {} };

describe('event stream', () => {
  it('replays in pages, reading the next only once the socket wrote the last, then goes live', async () => {
    const log = logWith(1200);
    const sink = new ScriptedSink();
    const stream = startEventStream(log, 0, sink, quiet);
    await settle();
    expect(sink.seqs()).toHaveLength(REPLAY_PAGE_EVENTS);
    await settle(10);
    expect(sink.seqs()).toHaveLength(REPLAY_PAGE_EVENTS); // nothing more until written
    // Events written during the replay are not sent ahead of it.
    log.append(removed('during'));
    expect(sink.seqs()).toHaveLength(REPLAY_PAGE_EVENTS);
    for (let i = 0; i < 5 && !sink.kinds().includes('live'); i++) {
      sink.write();
      await settle();
    }
    expect(sink.seqs()).toEqual(Array.from({ length: 1201 }, (_, i) => i + 1));
    expect(sink.frames.at(-1)).toEqual({ kind: 'live', latestSeq: 1201 });
    log.append(removed('live'));
    expect(sink.seqs().at(-1)).toBe(1202);
    stream.stop();
    log.append(removed('after stop'));
    expect(sink.seqs().at(-1)).toBe(1202);
  });

  it('a client that lags on live events is fed from the log once it drained, in order, nothing lost', async () => {
    const log = logWith(3);
    const sink = new ScriptedSink();
    startEventStream(log, 3, sink, quiet);
    await settle();
    expect(sink.kinds()).toEqual(['live']);
    sink.buffered = STREAM_HIGH_WATER_BYTES + 1;
    for (const id of ['a', 'b', 'c']) log.append(removed(id));
    await settle(50);
    expect(sink.seqs()).toEqual([]);
    sink.buffered = 0;
    await expect.poll(() => sink.seqs()).toEqual([4, 5, 6]);
    sink.write();
    await settle();
    log.append(removed('d'));
    expect(sink.seqs()).toEqual([4, 5, 6, 7]);
  });

  it('a client whose events were pruned gets a gap, then follows from the latest', async () => {
    const { db } = openDatabase(join(makeTempDir(), 'g.db'));
    const log = createEventLog(db, 100);
    db.transaction(() => {
      for (let i = 0; i < 1000; i++) log.append(removed(String(i)));
    })();
    const sink = new ScriptedSink();
    startEventStream(log, 5, sink, quiet);
    await settle();
    expect(sink.frames).toEqual([
      { kind: 'gap', since: 5, latestSeq: 1000 },
      { kind: 'live', latestSeq: 1000 },
    ]);
  });
});
