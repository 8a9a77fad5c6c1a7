import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { earlySocketHeard, takeEarlySocket, type EarlySocket } from '../../../../src/renderer/connection/early-socket';
import { hostWsUrl } from '../../../../src/renderer/connection/host-ws-url';
import { HostConnection } from '../../../../src/shared/client/host-connection';
import { parseHostFrame } from '../../../../src/shared/client/parse-host-frame';
import { PROTOCOL_VERSION } from '../../../../src/shared/protocol-version';
import { SessionKey, sessionKeyProtocols } from '../../../../src/shared/session-key';

/** What the page's WebSocket looks like to the early socket: handlers, a state, a URL. */
class PageSocket {
  readyState = 0;
  binaryType = 'blob';
  readonly sent: string[] = [];
  closedWith: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { type: string; data: unknown }) => void) | null = null;
  onclose: ((ev: { type: string; code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[] = [],
  ) {}
  send(data: string): void {
    this.sent.push(data);
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  /** The host says something: the page's socket fires a message event. */
  say(frame: object): void {
    this.readyState = 1;
    this.onmessage?.({ type: 'message', data: JSON.stringify(frame) });
  }
}

const URL_ = 'ws://127.0.0.1:7777/ws';
const hello = (latestSeq = 5) => ({ kind: 'hello', protocolVersion: PROTOCOL_VERSION, hostVersion: 'test', latestSeq });

/** The boot script as the page runs it, on a fake window whose storage holds `key` (the login hand-off's). */
function boot(location: { protocol: string; host: string }, key: string | null = 'page-key'): { window: { groveEarlySocket?: EarlySocket; listened: string[] }; sockets: PageSocket[] } {
  const sockets: PageSocket[] = [];
  const items = new Map<string, string>(key === null ? [] : [[SessionKey.storageItem, key]]);
  const localStorage = { length: items.size, getItem: (name: string) => items.get(name) ?? null };
  const listened: string[] = [];
  const window = { localStorage, listened, addEventListener: (type: string) => listened.push(type) } as { groveEarlySocket?: EarlySocket; localStorage: typeof localStorage; listened: string[]; addEventListener(type: string): void };
  const WebSocket = function (this: unknown, url: string, protocols?: string[]) {
    const s = new PageSocket(url, protocols);
    sockets.push(s);
    return s;
  };
  runInNewContext(readFileSync('src/renderer/early-socket.js', 'utf8'), { window, location, WebSocket });
  return { window, sockets };
}

describe('the early socket', () => {
  it('is opened by the boot script at the URL the UI connects to', () => {
    for (const location of [{ protocol: 'http:', host: '127.0.0.1:7777' }, { protocol: 'https:', host: '[::1]:9' }]) {
      const { window, sockets } = boot(location);
      expect(sockets.map((s) => s.url)).toEqual([hostWsUrl(location)]);
      // The page's key rides as a subprotocol, named as the UI's own connects name it.
      expect(sockets[0]!.protocols).toEqual(sessionKeyProtocols('page-key'));
      expect(sockets[0]!.binaryType).toBe('arraybuffer');
      expect(window.groveEarlySocket?.socket).toBe(sockets[0]);
      // The first storage listener (costly to add) is added here, while the bundle loads.
      expect(window.listened).toEqual(['storage']);
    }
  });

  it('opens nothing when the page has no session key (the UI sends it to log in)', () => {
    const { window, sockets } = boot({ protocol: 'http:', host: '127.0.0.1:7777' }, null);
    expect(sockets).toEqual([]);
    expect(window.groveEarlySocket).toBeUndefined();
  });

  it('hands what the host said before the UI ran to the connection, so it is open before the first render', () => {
    const { window, sockets } = boot({ protocol: 'http:', host: '127.0.0.1:7777' });
    const page = sockets[0]!;
    page.say(hello(41));
    const opened: string[] = [];
    const connection = new HostConnection({
      parseFrame: parseHostFrame,
      since: 'latest',
      connect: () => takeEarlySocket(URL_, window) ?? (opened.push('new'), new PageSocket(URL_)),
    });
    connection.onState((s) => opened.push(s.kind));
    connection.start();
    // Synchronously: no second socket, and the greeting already read.
    expect(opened).toEqual(['connecting', 'open']);
    expect(connection.lastEventSeq).toBe(41);
    // It subscribed on the same socket, and later frames go straight through.
    expect(page.sent.map((f) => JSON.parse(f) as { kind: string })).toEqual([{ kind: 'subscribe', since: 41 }]);
    const seqs: number[] = [];
    connection.onEvent((e) => seqs.push(e.seq));
    page.say({ kind: 'event', envelope: { seq: 42, at: '2026-01-01T00:00:00.000Z', event: { type: 'repo.removed', id: 'r' } } });
    expect(seqs).toEqual([42]);
    // Taken once: a reconnect opens a socket of its own.
    expect(window.groveEarlySocket).toBeUndefined();
    connection.stop();
    expect(page.closedWith).toBe(1000);
  });

  it('delivers a close it heard, after the frames before it, and the connection retries', () => {
    const { window, sockets } = boot({ protocol: 'http:', host: '127.0.0.1:7777' });
    const page = sockets[0]!;
    page.onclose?.({ type: 'close', code: 1006 });
    const states: string[] = [];
    const timers: (() => void)[] = [];
    const connection = new HostConnection({ parseFrame: parseHostFrame, connect: () => takeEarlySocket(URL_, window) ?? new PageSocket(URL_), setTimer: (fn) => timers.push(fn), clearTimer: () => {} });
    connection.onState((s) => states.push(s.kind));
    connection.start();
    expect(states).toEqual(['connecting', 'waiting']);
  });

  it('is not taken for another URL, nor once closed, and is closed rather than left open', () => {
    const other = boot({ protocol: 'http:', host: '127.0.0.1:1' });
    expect(takeEarlySocket(URL_, other.window)).toBeNull();
    expect(other.sockets[0]!.closedWith).toBe(1000);

    const closed = boot({ protocol: 'http:', host: '127.0.0.1:7777' });
    closed.sockets[0]!.readyState = 3;
    expect(takeEarlySocket(URL_, closed.window)).toBeNull();

    expect(takeEarlySocket(URL_, {})).toBeNull();
  });
});

describe('waiting for the host to speak on the early socket', () => {
  const LOCAL = { protocol: 'http:', host: '127.0.0.1:7777' };
  const settled = async (p: Promise<void>): Promise<boolean> => {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  };

  it('is over at once with no early socket, or once it heard something', async () => {
    expect(await settled(earlySocketHeard({}, 50))).toBe(true);
    const { window, sockets } = boot(LOCAL);
    sockets[0]!.say(hello());
    expect(await settled(earlySocketHeard(window, 50))).toBe(true);
  });

  it('ends with the greeting, which the page script still keeps for the UI, and gives the socket its handlers back', async () => {
    const { window, sockets } = boot(LOCAL);
    const page = sockets[0]!;
    const pageOnMessage = page.onmessage;
    const heard = earlySocketHeard(window, 50);
    expect(await settled(heard)).toBe(false);
    page.say(hello(9));
    expect(await settled(heard)).toBe(true);
    expect(window.groveEarlySocket!.heard.map((e) => e.type)).toEqual(['message']);
    expect(page.onmessage).toBe(pageOnMessage);
  });

  it('ends with a close, or when the wait is over with nothing heard', async () => {
    const closing = boot(LOCAL);
    const closed = earlySocketHeard(closing.window, 50);
    closing.sockets[0]!.onclose?.({ type: 'close', code: 1006 });
    expect(await settled(closed)).toBe(true);
    expect(closing.window.groveEarlySocket!.heard.map((e) => e.type)).toEqual(['close']);

    vi.useFakeTimers();
    try {
      const quiet = boot(LOCAL);
      const waited = earlySocketHeard(quiet.window, 50);
      vi.advanceTimersByTime(49);
      expect(await settled(waited)).toBe(false);
      vi.advanceTimersByTime(1);
      expect(await settled(waited)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
