import { describe, expect, it } from 'vitest';
import { HostConnection, type HostConnectionOptions, type SocketLike } from '../../../../src/shared/client/host-connection';
import type { EventEnvelope } from '../../../../src/shared/events';
import { PROTOCOL_VERSION } from '../../../../src/shared/protocol-version';
import type { ClientFrame, HostFrame } from '../../../../src/shared/wire';
import { parseHostFrame } from '../../../../src/shared/client/parse-host-frame';

/** A socket the test plays the host on: it records what the client sends and delivers what the test says. */
class ScriptedSocket implements SocketLike {
  readyState = 1;
  readonly sent: ClientFrame[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as ClientFrame);
  }

  close(code = 1000): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }

  host(frame: HostFrame): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }

  hello(latestSeq: number): void {
    this.host({ kind: 'hello', protocolVersion: PROTOCOL_VERSION, hostVersion: 'test', latestSeq });
  }

  event(seq: number): void {
    this.host({ kind: 'event', envelope: { seq, at: '2026-01-01T00:00:00.000Z', event: { type: 'repo.removed', id: `r${seq}` } } });
  }

  subscribes(): number[] {
    return this.sent.flatMap((f) => (f.kind === 'subscribe' ? [f.since] : []));
  }
}

/** A client over scripted sockets, with timers the test fires by hand. */
function scriptedClient(since?: number | 'latest', latestOnReconnect = false, extra: Pick<HostConnectionOptions, 'onSessionEnded'> = {}) {
  const sockets: ScriptedSocket[] = [];
  const timers: (() => void)[] = [];
  const client = new HostConnection({ parseFrame: parseHostFrame,
    ...(since === undefined ? {} : { since }),
    latestOnReconnect,
    connect: () => {
      const s = new ScriptedSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {},
    ...extra,
  });
  const seqs: number[] = [];
  client.onEvent((e: EventEnvelope) => seqs.push(e.seq));
  client.start();
  return { client, sockets, seqs, fireTimers: () => timers.splice(0).forEach((t) => t()) };
}

describe('host connection: the event stream', () => {
  it('delivers consecutive events and drops a duplicate', () => {
    const { sockets, seqs } = scriptedClient(0);
    const s = sockets[0]!;
    s.hello(3);
    expect(s.subscribes()).toEqual([0]);
    s.event(1);
    s.event(2);
    s.event(2);
    s.event(1);
    s.event(3);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it('on a hole in the seqs, asks again after the last event it holds instead of skipping or dropping the rest', () => {
    const { client, sockets, seqs } = scriptedClient(0);
    const s = sockets[0]!;
    s.hello(0);
    s.event(1);
    s.event(2);
    // 4 overtook 3 (the bug this guards against): nothing is delivered out of order.
    s.event(4);
    expect(seqs).toEqual([1, 2]);
    expect(s.subscribes()).toEqual([0, 2]);
    // More events of the old subscription do not ask again while the replay is on its way.
    s.event(5);
    expect(s.subscribes()).toEqual([0, 2]);
    // The host replays from 2.
    s.event(3);
    s.event(4);
    s.event(5);
    s.host({ kind: 'live', latestSeq: 5 });
    s.event(6);
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
    expect(client.lastEventSeq).toBe(6);
    // A later hole asks again.
    s.event(8);
    expect(s.subscribes()).toEqual([0, 2, 6]);
  });

  it('after a reconnect, asks for the events after the last one it holds', () => {
    const { sockets, seqs, fireTimers } = scriptedClient(0);
    const first = sockets[0]!;
    first.hello(0);
    first.event(1);
    first.event(2);
    first.close(1006);
    fireTimers();
    const second = sockets[1]!;
    second.hello(9);
    expect(second.subscribes()).toEqual([2]);
    second.event(2);
    second.event(3);
    expect(seqs).toEqual([1, 2, 3]);
  });

  it("with since 'latest', follows from the host's latest event, and resumes from what it holds after a reconnect", () => {
    const { sockets, seqs, fireTimers } = scriptedClient('latest');
    const first = sockets[0]!;
    first.hello(40);
    expect(first.subscribes()).toEqual([40]);
    first.event(41);
    first.close(1006);
    fireTimers();
    const second = sockets[1]!;
    second.hello(45);
    expect(second.subscribes()).toEqual([41]);
    second.event(42);
    expect(seqs).toEqual([41, 42]);
  });

  it("with latestOnReconnect (the UI, which loads the state again on every connect), follows from the latest event after a reconnect too: no replay laid over newer answers", () => {
    const { sockets, seqs, fireTimers } = scriptedClient('latest', true);
    sockets[0]!.hello(40);
    sockets[0]!.event(41);
    sockets[0]!.close(1006);
    fireTimers();
    const second = sockets[1]!;
    second.hello(5000);
    expect(second.subscribes()).toEqual([5000]);
    second.event(5001);
    expect(seqs).toEqual([41, 5001]);
  });

  it('after a gap (the events it missed were pruned), follows from the latest seq the host names', () => {
    const { client, sockets, seqs } = scriptedClient(3);
    const s = sockets[0]!;
    let gaps = 0;
    client.onGap(() => (gaps += 1));
    s.hello(900);
    s.host({ kind: 'gap', since: 3, latestSeq: 900 });
    s.event(901);
    expect(seqs).toEqual([901]);
    expect(s.subscribes()).toEqual([3]);
    expect(gaps).toBe(1);
  });
});

describe('host connection: a browser session that ended', () => {
  it('a call while the socket is down is not sent, and says so (not "retrying", which read as if the call would be)', async () => {
    const { client, sockets } = scriptedClient(0);
    sockets[0]!.close(1006);
    const answer = await client.call('host.status', {});
    expect(answer).toEqual({ ok: false, error: { code: 'disconnected', message: 'Not sent: the Grove host is not connected (reconnecting); try again once it is.' } });
    expect(sockets[0]!.sent.filter((f) => f.kind === 'request')).toEqual([]);
  });

  it('stops on the host\'s "session ended" close instead of retrying, and says so once', () => {
    let ended = 0;
    const { client, sockets, fireTimers } = scriptedClient(0, false, { onSessionEnded: () => ended++ });
    const states: string[] = [];
    client.onState((s) => states.push(s.kind));
    sockets[0]!.hello(0);
    sockets[0]!.close(4401);
    fireTimers();
    expect(sockets).toHaveLength(1);
    expect(states.at(-1)).toBe('stopped');
    expect(ended).toBe(1);
  });
});
