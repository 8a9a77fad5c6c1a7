import { describe, expect, it } from 'vitest';
import { frameFit } from '../../../../src/renderer/terminals/frame-fit';

describe('how an output frame fits what a terminal holds', () => {
  it('starts a terminal that holds nothing, wherever the frame starts', () => {
    expect(frameFit(null, 0, 10)).toEqual({ kind: 'write', skip: 0 });
    expect(frameFit(null, 5000, 5010)).toEqual({ kind: 'write', skip: 0 });
  });

  it('writes what follows on, skipping the part it already has', () => {
    expect(frameFit(100, 100, 150)).toEqual({ kind: 'write', skip: 0 });
    expect(frameFit(100, 80, 150)).toEqual({ kind: 'write', skip: 20 });
  });

  it('holds a frame that ends at or before what it has already: a duplicate', () => {
    expect(frameFit(100, 50, 100)).toEqual({ kind: 'duplicate' });
    expect(frameFit(100, 0, 60)).toEqual({ kind: 'duplicate' });
  });

  it('refuses a frame that starts past what it holds: an old attachment\'s, which would leave a hole', () => {
    // Hidden at 100 with frames up to 300 in flight, shown again: [128, 256) arrives late.
    expect(frameFit(100, 128, 256)).toEqual({ kind: 'stale' });
    expect(frameFit(100, 101, 102)).toEqual({ kind: 'stale' });
  });
});
