import { describe, expect, it } from 'vitest';
import { renderScreen } from '../../../../../src/host/terminals/screen/render-screen';

describe('the screen of an agent that is still printing', () => {
  it('is the screen at the end of the output when it was asked for, even while the output keeps growing', async () => {
    // A log that grows by a line every time it is read: an agent printing faster than the
    // screen is parsed, which would otherwise keep the answer from ever coming.
    const lines: string[] = [];
    const text = () => lines.join('');
    const asked: number[] = [];
    const read = (since: number, max: number) => {
      lines.push(`line ${lines.length + 1}\r\n`);
      asked.push(since + max);
      const all = Buffer.from(text());
      return { from: since, data: all.subarray(since, Math.min(all.length, since + max)) };
    };
    for (let i = 0; i < 3; i++) lines.push(`line ${lines.length + 1}\r\n`);
    const until = Buffer.byteLength(text());
    const screen = await renderScreen(read, 40, 5, until);
    expect(screen.end).toBe(until);
    expect(screen.text.trim().split('\n').map((l) => l.trim())).toEqual(['line 1', 'line 2', 'line 3']);
    expect(Math.max(...asked)).toBeLessThanOrEqual(until);
  });
});
