import { describe, expect, it } from 'vitest';
import { FlowControl } from '../../../../src/host/terminals/flow-control';

const limits = { windowBytes: 1000, jumpBytes: 5000, frameBytes: 400 };
const log = (end: number, start = 0) => ({ start, end });

/** Sends what the flow control allows until it says wait. */
function sendAll(f: FlowControl<string>, client: string, end: number): void {
  for (let step = f.next(client, log(end)); step.kind === 'send'; step = f.next(client, log(end))) f.sentTo(client, step.to);
}

describe('flow control: clients are fed from the log by credit, never holding the agent', () => {
  it('sends in frames up to the window past what was acknowledged, then waits for acks', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 0, false);
    expect(f.next('ui', log(3000))).toEqual({ kind: 'send', from: 0, to: 400 });
    f.sentTo('ui', 400);
    expect(f.next('ui', log(3000))).toEqual({ kind: 'send', from: 400, to: 800 });
    f.sentTo('ui', 800);
    expect(f.next('ui', log(3000))).toEqual({ kind: 'send', from: 800, to: 1000 });
    f.sentTo('ui', 1000);
    expect(f.next('ui', log(3000))).toEqual({ kind: 'wait' });
    f.ack('ui', 600);
    expect(f.next('ui', log(3000))).toEqual({ kind: 'send', from: 1000, to: 1400 });
  });

  it('waits when the client has everything', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 200, false);
    sendAll(f, 'ui', 500);
    expect(f.next('ui', log(500))).toEqual({ kind: 'wait' });
    expect(f.backlog('ui')).toBe(300);
  });

  it('tells a client that may jump and is too far behind to jump; one that may not is never told', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 0, true);
    f.attach('pipe', 0, false);
    sendAll(f, 'ui', 5000);
    sendAll(f, 'pipe', 5000);
    f.ack('ui', 1000);
    expect(f.next('ui', log(6000)).kind).toBe('send'); // exactly jumpBytes behind: not yet
    expect(f.next('ui', log(6001))).toEqual({ kind: 'jump', reason: 'behind', from: 1000, to: 'end' });
    expect(f.next('pipe', log(50_000)).kind).toBe('wait');
    f.jumped('ui', 5800);
    expect(f.backlog('ui')).toBe(0);
    expect(f.next('ui', log(6001))).toEqual({ kind: 'send', from: 5800, to: 6001 });
  });

  it("a client holding bytes past the log's end (the log lost them) jumps to the end at once, then is sent from where it landed", () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 3000, true);
    expect(f.next('ui', log(2000))).toEqual({ kind: 'jump', reason: 'ahead', from: 3000, to: 'end' });
    f.jumped('ui', 1800);
    expect(f.next('ui', log(2000))).toEqual({ kind: 'send', from: 1800, to: 2000 });
    // Once the log has grown past where it stood, it is still its new output it gets, not a wait.
    f.sentTo('ui', 2000);
    expect(f.next('ui', log(3500))).toEqual({ kind: 'send', from: 2000, to: 2400 });
  });

  it("moves a client that may not jump, holding bytes past the log's end, to the log's end itself: a pipe misses nothing the log has", () => {
    const f = new FlowControl<string>(limits);
    f.attach('pipe', 3000, false);
    expect(f.next('pipe', log(2000))).toEqual({ kind: 'jump', reason: 'ahead', from: 3000, to: 'logEnd' });
    f.jumped('pipe', 2000);
    expect(f.next('pipe', log(2000))).toEqual({ kind: 'wait' });
    expect(f.next('pipe', log(2300))).toEqual({ kind: 'send', from: 2000, to: 2300 });
  });

  it('jumps a client only once it has acknowledged what it holds: one that stopped acknowledging gets nothing more', () => {
    const f = new FlowControl<string>(limits);
    f.attach('stuck', 0, true);
    sendAll(f, 'stuck', 3000); // the flood begins
    expect(f.backlog('stuck')).toBe(1000);
    expect(f.next('stuck', log(100_000))).toEqual({ kind: 'wait' });
    f.ack('stuck', 600);
    expect(f.next('stuck', log(100_000))).toEqual({ kind: 'wait' }); // behind: no more bytes it would skip anyway
    f.ack('stuck', 1000);
    expect(f.next('stuck', log(100_000))).toMatchObject({ kind: 'jump', reason: 'behind', from: 1000 });
  });

  it('moves a client whose next bytes left the log: near the end if it may jump, else to the oldest kept', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 0, true);
    f.attach('pipe', 0, false);
    f.sentTo('pipe', 300);
    expect(f.next('pipe', log(9000, 2000))).toEqual({ kind: 'wait' }); // it holds bytes not yet parsed
    f.ack('pipe', 300);
    f.sentTo('pipe', 0);
    expect(f.next('ui', log(9000, 2000))).toEqual({ kind: 'jump', reason: 'gone', from: 0, to: 'end' });
    expect(f.next('pipe', log(9000, 2000))).toEqual({ kind: 'jump', reason: 'gone', from: 300, to: 'oldest' });
  });

  it('ignores acks that go backwards, beyond what was sent, or from before a jump', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 0, true);
    f.sentTo('ui', 500);
    f.ack('ui', 400);
    f.ack('ui', 100);
    expect(f.backlog('ui')).toBe(100);
    f.ack('ui', 99_999);
    expect(f.backlog('ui')).toBe(0);
    f.jumped('ui', 8000);
    f.ack('ui', 700); // in flight before the jump
    expect(f.next('ui', log(8100))).toEqual({ kind: 'send', from: 8000, to: 8100 });
  });

  it('replays a fresh attach whole without a jump; only output that arrives meanwhile can make it jump', () => {
    const f = new FlowControl<string>(limits);
    f.attach('pane', 2000, true, { replayTo: 12_000 }); // 10,000 bytes retained: far more than jumpBytes
    expect(f.next('pane', log(12_000, 2000))).toEqual({ kind: 'send', from: 2000, to: 2400 });
    for (let at = 2000; at < 12_000; ) {
      sendAll(f, 'pane', 12_000);
      at = Math.min(12_000, at + 1000);
      f.ack('pane', at);
      expect(f.next('pane', log(12_000, 2000)).kind, `at ${at}`).not.toBe('jump');
    }
    // The replay is parsed; a flood that came meanwhile is now too far ahead: an ordinary jump.
    expect(f.next('pane', log(20_000, 2000))).toEqual({ kind: 'jump', reason: 'behind', from: 12_000, to: 'end' });
  });

  it('names a jump at a fresh attach (more retained than is replayed) `attach`, not `behind`', () => {
    const f = new FlowControl<string>(limits);
    f.attach('pane', 0, true, { replayTo: 0 });
    expect(f.next('pane', log(50_000))).toEqual({ kind: 'jump', reason: 'attach', from: 0, to: 'end' });
    f.attach('reconnect', 0, true);
    expect(f.next('reconnect', log(50_000))).toMatchObject({ kind: 'jump', reason: 'behind' });
  });

  it('tells a client that asks for bytes no longer kept, at once', () => {
    const f = new FlowControl<string>(limits);
    f.attach('pipe', 100, false);
    expect(f.next('pipe', log(9000, 2000))).toEqual({ kind: 'jump', reason: 'gone', from: 100, to: 'oldest' });
  });

  it('forgets a detached client', () => {
    const f = new FlowControl<string>(limits);
    f.attach('ui', 0, false);
    f.detach('ui');
    expect(f.has('ui')).toBe(false);
    expect(f.next('ui', log(100))).toEqual({ kind: 'wait' });
  });
});
