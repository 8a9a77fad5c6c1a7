import { describe, expect, it } from 'vitest';
import { allocatePortBlock, DEFAULT_PORT_RANGE, PORTS_PER_LANE, portEnv } from '../../../../src/host/lanes/ports';

const allFree = async (): Promise<boolean> => true;
const busy =
  (...ports: number[]) =>
  async (p: number): Promise<boolean> =>
    !ports.includes(p);

describe('allocatePortBlock', () => {
  it('hands out the range start first', async () => {
    expect(await allocatePortBlock({ start: 41000, end: 48999, taken: [], isFree: allFree })).toBe(41000);
  });

  it('skips blocks lanes hold, and blocks that merely overlap one', async () => {
    expect(await allocatePortBlock({ start: 41000, end: 48999, taken: [41000, 41010], isFree: allFree })).toBe(41020);
    // A lane whose block was allocated under another range start (41005..41014) blocks 41000 and 41010.
    expect(await allocatePortBlock({ start: 41000, end: 48999, taken: [41005], isFree: allFree })).toBe(41020);
  });

  it('skips a block with any port in use, even its last one', async () => {
    expect(await allocatePortBlock({ start: 41000, end: 48999, taken: [], isFree: busy(41009) })).toBe(41010);
    expect(await allocatePortBlock({ start: 41000, end: 48999, taken: [], isFree: busy(41010) })).toBe(41000);
  });

  it('keeps blocks aligned on the start and inside the end', async () => {
    expect(await allocatePortBlock({ start: 50000, end: 50019, taken: [50000], isFree: allFree })).toBe(50010);
    expect(await allocatePortBlock({ start: 50000, end: 50018, taken: [50000], isFree: allFree })).toBeNull();
  });

  it('returns null when the range is exhausted', async () => {
    expect(await allocatePortBlock({ start: 50000, end: 50029, taken: [50000, 50010], isFree: busy(50025) })).toBeNull();
    expect(await allocatePortBlock({ start: 50000, end: 50005, taken: [], isFree: allFree })).toBeNull();
  });

  it('asks about each port of a block once, all at once, and skips a block with a busy port', async () => {
    const asked: number[] = [];
    const base = await allocatePortBlock({
      start: 41000,
      end: 48999,
      taken: [],
      isFree: async (p) => {
        asked.push(p);
        return p !== 41002;
      },
    });
    expect(base).toBe(41010);
    expect(asked).toEqual([...Array.from({ length: 10 }, (_, i) => 41000 + i), ...Array.from({ length: 10 }, (_, i) => 41010 + i)]);
  });
});

describe('port constants and env', () => {
  it('gives each lane ten ports in the default range', () => {
    expect(PORTS_PER_LANE).toBe(10);
    expect(DEFAULT_PORT_RANGE).toEqual({ start: 41000, end: 48999 });
    expect((DEFAULT_PORT_RANGE.end - DEFAULT_PORT_RANGE.start + 1) % PORTS_PER_LANE).toBe(0);
  });

  it('exports the base as GROVE_PORT', () => {
    expect(portEnv(41020)).toEqual({ GROVE_PORT: '41020' });
  });
});
