import { describe, expect, it } from 'vitest';
import { OutputBatcher } from '../../../../src/host/terminals/output-batcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('output batcher', () => {
  it('sends output after a quiet spell at once, and batches a stream', async () => {
    const out: string[] = [];
    const b = new OutputBatcher((c) => out.push(c.toString()), 20, 1024);
    await sleep(30);
    b.push(Buffer.from('a')); // the echo of a keystroke: immediately
    expect(out).toEqual(['a']);
    b.push(Buffer.from('b')); // right behind it: batched with what follows
    b.push(Buffer.from('c'));
    expect(out).toEqual(['a']);
    await sleep(40);
    expect(out).toEqual(['a', 'bc']);
  });

  it('flushes at the size cap without waiting', async () => {
    const sizes: number[] = [];
    const b = new OutputBatcher((c) => sizes.push(c.length), 1000, 100);
    b.push(Buffer.alloc(10));
    b.push(Buffer.alloc(60));
    b.push(Buffer.alloc(60));
    expect(sizes).toEqual([10, 120]);
  });
});
