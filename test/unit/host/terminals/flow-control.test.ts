import { describe, expect, it } from 'vitest';
import { FlowControl } from '../../../../src/host/terminals/flow-control';

const marks = { high: 1000, low: 100, stalledMs: 5000 };

describe('flow control', () => {
  it('pauses above the high watermark and resumes only below the low one', () => {
    const f = new FlowControl<string>(marks);
    f.attach('ui', 0);
    expect(f.sentTo('ui', 900, 0)).toBeNull();
    expect(f.sentTo('ui', 1001, 0)).toBe('pause');
    expect(f.ack('ui', 500, 0)).toBeNull(); // backlog 501: still above low
    expect(f.ack('ui', 950, 0)).toBe('resume'); // backlog 51
  });

  it('is held back by the slowest client, and released when it leaves', () => {
    const f = new FlowControl<string>(marks);
    f.attach('fast', 0);
    f.attach('slow', 0);
    expect(f.sentTo('fast', 2000, 0)).toBe('pause');
    expect(f.sentTo('slow', 2000, 0)).toBeNull();
    expect(f.ack('fast', 2000, 0)).toBeNull(); // the slow one still holds it
    expect(f.detach('slow')).toBe('resume');
  });

  it('names the client that kept the agent paused too long', () => {
    const f = new FlowControl<string>(marks);
    f.attach('ok', 0);
    f.attach('stuck', 0);
    f.sentTo('ok', 2000, 0);
    f.sentTo('stuck', 2000, 0);
    f.ack('ok', 2000, 1);
    expect(f.stalled(1000)).toEqual([]);
    expect(f.stalled(5001)).toEqual(['stuck']);
  });

  it('ignores acks that go backwards or beyond what was sent', () => {
    const f = new FlowControl<string>(marks);
    f.attach('ui', 0);
    f.sentTo('ui', 500, 0);
    f.ack('ui', 400, 0);
    f.ack('ui', 100, 0);
    expect(f.backlog('ui')).toBe(100);
    f.ack('ui', 99999, 0);
    expect(f.backlog('ui')).toBe(0);
  });
});
