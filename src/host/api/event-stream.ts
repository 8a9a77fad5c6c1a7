import type { EventEnvelope } from '../../shared/events';
import type { HostFrame } from '../../shared/wire';
import type { EventLog } from '../events/event-log';
import type { Logger } from '../logger';

/**
 * One client's event subscription: the events after its `since`, then live ones, each
 * exactly once and in seq order.
 *
 * The replay is read from the log in bounded pages (by count and by bytes: `job.output`
 * events are up to 16 KiB each) and the next page is read only once the socket has written
 * the last one, so a client that asks for 50k events is neither cut off for a giant send
 * buffer nor holds the host in one long synchronous read. Live events go straight out while
 * the client keeps up; a client that falls behind (its send buffer above the high water
 * mark) is fed from the log instead, the same way as a replay, so nothing is held in memory
 * for it and nothing is lost. Everything goes through one cursor, the last seq sent, so a
 * frame can never overtake another.
 */
export const REPLAY_PAGE_EVENTS = 500;
export const REPLAY_PAGE_BYTES = 1024 * 1024;
/** Above this much unsent data, live events wait in the log instead of the socket's buffer. */
export const STREAM_HIGH_WATER_BYTES = 4 * 1024 * 1024;
/** How often a stream that waits for its client to drain looks again. */
const DRAIN_POLL_MS = 20;

export interface EventStreamSink {
  /** Sends a frame; `written` is called once the socket has taken it (or failed to). */
  send(frame: HostFrame, written?: () => void): void;
  /** Bytes queued on the socket and not yet written. */
  bufferedAmount(): number;
  isOpen(): boolean;
}

export interface EventStream {
  stop(): void;
}

export function startEventStream(events: EventLog, since: number, sink: EventStreamSink, logger: Pick<Logger, 'warn'>): EventStream {
  let cursor = since;
  let isLive = false;
  let isPumping = false;
  let isStopped = false;

  const whenWritten = (frame: HostFrame): Promise<void> => new Promise((resolve) => sink.send(frame, resolve));
  const whenDrained = async (): Promise<void> => {
    while (!isStopped && sink.isOpen() && sink.bufferedAmount() > STREAM_HIGH_WATER_BYTES) {
      await new Promise((r) => setTimeout(r, DRAIN_POLL_MS));
    }
  };
  const isStreaming = (): boolean => !isStopped && sink.isOpen();

  // A failed read (the store closing under a shutdown) ends this stream; the client reconnects.
  const pump = (): void =>
    void pumpPages().catch((e: unknown) => {
      isStopped = true;
      unsubscribe();
      logger.warn('event stream ended', { error: e instanceof Error ? e.message : String(e) });
    });

  const pumpPages = async (): Promise<void> => {
    if (isPumping) return;
    isPumping = true;
    try {
      await whenDrained();
      while (isStreaming()) {
        const page = events.since(cursor, REPLAY_PAGE_EVENTS, REPLAY_PAGE_BYTES);
        if (page.truncated) {
          // What the client missed was pruned (or its seq is from another database):
          // it refetches state, and the stream continues from the latest event.
          sink.send({ kind: 'gap', since: cursor, latestSeq: page.latestSeq });
          cursor = page.latestSeq;
          continue;
        }
        const last = page.events.at(-1);
        if (!last) {
          // Caught up, in the same tick as the read: from here the listener sends.
          isPumping = false;
          if (!isLive) {
            isLive = true;
            sink.send({ kind: 'live', latestSeq: cursor });
          }
          return;
        }
        for (const envelope of page.events.slice(0, -1)) sink.send({ kind: 'event', envelope });
        cursor = last.seq;
        await whenWritten({ kind: 'event', envelope: last });
        await whenDrained();
      }
    } finally {
      isPumping = false;
    }
  };

  // Subscribed before the first read, in the same tick: an event written after the read is
  // told here, one written before it is in the read (see event-log.ts).
  const unsubscribe = events.subscribe((envelope: EventEnvelope) => {
    if (!isStreaming() || envelope.seq <= cursor || isPumping) return;
    if (isLive && envelope.seq === cursor + 1 && sink.bufferedAmount() <= STREAM_HIGH_WATER_BYTES) {
      cursor = envelope.seq;
      sink.send({ kind: 'event', envelope });
      return;
    }
    pump();
  });
  pump();

  return {
    stop() {
      isStopped = true;
      unsubscribe();
    },
  };
}
