import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HostEvent } from '../../../../src/shared/events';
import type { Lane } from '../../../../src/shared/lanes';
import { PROTOCOL_VERSION } from '../../../../src/shared/protocol-version';

// The store is renderer code (DOM types), outside the node project that type-checks tests:
// it is loaded at run time, and the test speaks to it through the little it uses.
interface StoreUnderTest {
  start(): void;
  getSnapshot(): { lanes: Lane[] | null; connection: { kind: string } };
  subscribe(listener: () => void): () => void;
  connection: { stop(): void };
}
const HOST_STORE = '../../../../src/renderer/connection/host-store';
const loadHostStore = async (): Promise<new (wsUrl: string, key: string) => StoreUnderTest> =>
  ((await import(/* @vite-ignore */ HOST_STORE)) as { HostStore: new (wsUrl: string, key: string) => StoreUnderTest }).HostStore;

/**
 * The UI's store against a scripted socket, in the order a real host was seen to send
 * things (4 times in 10 with four repositories registered): a lane is created, the store asks
 * for the lanes, the lane's setup finishes (`lane.updated`, setup done) and only then comes
 * the answer, read before the setup finished. The lane must end "setup done".
 */
class ScriptedSocket {
  static last: ScriptedSocket | null = null;
  readyState = 1;
  binaryType = 'blob';
  sent: { kind: string; id?: number; method?: string }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor() {
    ScriptedSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as { kind: string; id?: number; method?: string });
  }
  close(): void {
    this.readyState = 3;
  }
  /** What the host sends. */
  deliver(frame: unknown): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

const RESULTS: Record<string, unknown> = {
  'host.status': { version: 'test' },
  'repos.list': { repos: [] },
  'agents.list': { agents: [] },
  'lanes.list': { lanes: [] },
  'merges.list': { merges: [] },
  'health.get': { repos: [] },
  'incidents.list': { incidents: [] },
  'notifications.list': { notifications: [], settings: { pausedUntil: null } },
  'ops.list': { loops: [] },
  'jobs.list': { jobs: [], latestSeq: 0 },
  'alerts.list': { alerts: [] },
};

const design = (setup: Lane['setup']): Lane => ({
  id: 'lane-1',
  repoId: 'repo-1',
  name: 'design',
  path: '/src/flower-design',
  branch: 'design',
  kind: 'standing',
  createdAt: '2026-12-03T13:00:00.000Z',
  status: 'ok',
  adoptable: false,
  port: 41000,
  keyless: false,
  setup,
  served: null,
  network: null,
});

let seq = 0;
const event = (e: HostEvent) => ({ kind: 'event', envelope: { seq: ++seq, at: new Date().toISOString(), event: e } });
const settle = () => new Promise((r) => setTimeout(r, 0));

let store: StoreUnderTest;
let socket: ScriptedSocket;
let answered = 0;

/** Answers every request sent so far that is not answered yet, lanes.list with `lanes`. */
function answerAll(lanes: Lane[] = []): void {
  for (const f of socket.sent.slice(answered)) {
    if (f.kind !== 'request') continue;
    const result = f.method === 'lanes.list' ? { lanes } : RESULTS[f.method!];
    socket.deliver({ kind: 'response', id: f.id, ok: true, result });
  }
  answered = socket.sent.length;
}

/** A tab in the background: the browser runs no animation frames for it. */
let hidden = false;

beforeEach(async () => {
  hidden = false;
  seq = 0;
  answered = 0;
  vi.stubGlobal('WebSocket', ScriptedSocket);
  vi.stubGlobal('requestAnimationFrame', (cb: () => void) => (hidden ? 0 : setTimeout(cb, 0)));
  vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id));
  const HostStore = await loadHostStore();
  store = new HostStore('ws://127.0.0.1:1/ws', 'k');
  store.start();
  socket = ScriptedSocket.last!;
  socket.deliver({ kind: 'hello', protocolVersion: PROTOCOL_VERSION, hostVersion: 'test', latestSeq: 0 });
  answerAll();
  socket.deliver({ kind: 'live', latestSeq: 0 });
  await settle();
  expect(store.getSnapshot().lanes).toEqual([]);
});
afterEach(async () => {
  store.connection.stop();
  // A frame asked for at the test's end comes before the frame functions are taken away.
  await settle();
  vi.unstubAllGlobals();
});

describe('the store in a background tab', () => {
  it('still tells its listeners (the tab title and favicon follow MAIN from there), though no frame comes', async () => {
    // Whatever the start left to tell is told first.
    await settle();
    hidden = true;
    let told = 0;
    store.subscribe(() => told++);
    socket.deliver(event({ type: 'alert', agentId: null, repoId: 'repo-1', message: 'MAIN broke: the build fails' }));
    await settle();
    expect(told).toBe(0);
    await vi.waitFor(() => expect(told).toBe(1), { timeout: 2000 });
    expect((store.getSnapshot() as unknown as { alerts: { message: string }[] }).alerts.map((a) => a.message)).toEqual(['MAIN broke: the build fails']);
  });
});

describe('the store\'s lanes', () => {
  it('ends "setup done" when the setup finished after the lanes were read but before their answer came', async () => {
    socket.deliver(event({ type: 'lane.created', lane: design('running') }));
    expect(store.getSnapshot().lanes!.map((l) => l.setup)).toEqual(['running']);
    expect(socket.sent.at(-1)).toMatchObject({ kind: 'request', method: 'lanes.list' });
    socket.deliver(event({ type: 'lane.updated', lane: design('done') }));
    answerAll([design('running')]);
    await settle();
    expect(store.getSnapshot().lanes!.map((l) => l.setup)).toEqual(['done']);
  });

  it('keeps a lane removed while the lanes were asked for out of a late answer that still lists it', async () => {
    socket.deliver(event({ type: 'lane.created', lane: design('done') }));
    const first = socket.sent.at(-1)!;
    socket.deliver(event({ type: 'lane.removed', id: 'lane-1', archiveRef: null }));
    const second = socket.sent.at(-1)!;
    expect([first.method, second.method]).toEqual(['lanes.list', 'lanes.list']);
    // The second answer (read after the removal) comes first; the first, read before it, last.
    socket.deliver({ kind: 'response', id: second.id, ok: true, result: { lanes: [] } });
    socket.deliver({ kind: 'response', id: first.id, ok: true, result: { lanes: [design('done')] } });
    answered = socket.sent.length;
    await settle();
    expect(store.getSnapshot().lanes).toEqual([]);
  });

  it('takes the answer over a lane event heard before it was asked for', async () => {
    socket.deliver(event({ type: 'lane.created', lane: design('running') }));
    answerAll([design('done')]);
    await settle();
    expect(store.getSnapshot().lanes!.map((l) => l.setup)).toEqual(['done']);
  });
});

describe('the store\'s listeners', () => {
  it('hear of a change of connection at once, and of other changes at the next frame (one for a burst)', async () => {
    let heard = 0;
    store.subscribe(() => heard++);
    socket.deliver(event({ type: 'lane.created', lane: design('running') }));
    socket.deliver(event({ type: 'lane.updated', lane: design('done') }));
    expect(heard).toBe(0);
    await settle();
    expect(heard).toBe(1);
    socket.readyState = 3;
    socket.onclose?.({ code: 1006 });
    expect(store.getSnapshot().connection.kind).not.toBe('open');
    expect(heard).toBe(2);
  });
});

describe('the store\'s first load', () => {
  it('asks for each MAIN\'s state as soon as the repositories are in, while the other answers are still out', async () => {
    store.connection.stop();
    const HostStore = await loadHostStore();
    store = new HostStore('ws://127.0.0.1:1/ws', 'k');
    store.start();
    socket = ScriptedSocket.last!;
    socket.deliver({ kind: 'hello', protocolVersion: PROTOCOL_VERSION, hostVersion: 'test', latestSeq: 0 });
    const asked = socket.sent.length;
    const repos = socket.sent.find((f) => f.method === 'repos.list')!;
    socket.deliver({ kind: 'response', id: repos.id, ok: true, result: { repos: [{ id: 'repo-1' }, { id: 'repo-2' }] } });
    await settle();
    expect(socket.sent.slice(asked).map((f) => f.method)).toEqual(['repos.mainState', 'repos.mainState']);
    // Nothing else has been answered: the load itself is still waiting.
    expect(store.getSnapshot().lanes).toBeNull();
    // The rest answered, the load completes (and nothing of it is left running after the test).
    for (const f of socket.sent) {
      if (f.kind !== 'request' || f === repos) continue;
      const result = f.method === 'repos.mainState' ? { state: { repoId: 'repo-1' } } : RESULTS[f.method!];
      socket.deliver({ kind: 'response', id: f.id, ok: true, result });
    }
    await settle();
    expect(store.getSnapshot().lanes).toEqual([]);
  });
});
