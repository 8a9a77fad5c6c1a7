import { describe, expect, it } from 'vitest';
import { AltScreenTracker } from '../../../../src/host/terminals/alt-screen-tracker';

describe('alternate screen tracker', () => {
  it('knows which screen was on at any offset, across chunks', () => {
    const t = new AltScreenTracker();
    const stream = Buffer.from('shell $ vim\r\n\x1b[?1049hediting…\x1b[?1049lshell $ top\x1b[?47hTOP');
    t.observe(0, stream);
    const on = stream.indexOf('\x1b[?1049h');
    const off = stream.indexOf('\x1b[?1049l');
    expect(t.isOnAt(0)).toBe(false);
    expect(t.isOnAt(on)).toBe(false);
    expect(t.isOnAt(on + 1)).toBe(true);
    expect(t.isOnAt(off + 1)).toBe(false);
    expect(t.isOnAt(stream.length)).toBe(true);
  });

  it('sees a switch split between two chunks, once', () => {
    for (let cut = 1; cut < 8; cut++) {
      const t = new AltScreenTracker();
      const stream = Buffer.from('ab\x1b[?1049hcd');
      t.observe(0, stream.subarray(0, 2 + cut));
      t.observe(2 + cut, stream.subarray(2 + cut));
      expect(t.isOnAt(3), `cut ${cut}`).toBe(true);
      expect(t.isOnAt(2), `cut ${cut}`).toBe(false);
    }
  });

  it('keeps the state of switches it no longer lists', () => {
    const t = new AltScreenTracker();
    let at = 0;
    for (let i = 0; i < 600; i++) {
      const chunk = Buffer.from(i % 2 === 0 ? '\x1b[?1049h' : '\x1b[?1049l');
      t.observe(at, chunk);
      at += chunk.length;
    }
    t.observe(at, Buffer.from('\x1b[?1049h'));
    expect(t.isOnAt(at + 1)).toBe(true);
    expect(t.isOnAt(at)).toBe(false);
  });
});
