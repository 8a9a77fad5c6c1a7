import { describe, expect, it } from 'vitest';
import { TerminalPool, type Parkable } from '../../../../src/renderer/terminals/terminal-pool';

class FakeSession implements Parkable {
  disposed = 0;
  constructor(
    readonly agentId: string,
    private readonly bufferLines = 100,
  ) {}
  lines(): number {
    return this.bufferLines;
  }
  dispose(): void {
    this.disposed++;
  }
}

const everyone = (): boolean => true;

describe('the pool of hidden terminals', () => {
  it('gives back the same terminal when an agent is shown again, and builds one only when none is parked', () => {
    const pool = new TerminalPool<FakeSession>({ max: 4, lines: 10_000 });
    let built = 0;
    const create = (id: string) => () => (built++, new FakeSession(id));
    const a = pool.take('a', create('a'));
    expect(built).toBe(1);
    pool.park(a, everyone);
    expect(pool.ids()).toEqual(['a']);
    expect(pool.take('a', create('a'))).toBe(a);
    expect(built).toBe(1);
    expect(pool.ids()).toEqual([]); // shown: no longer parked, so never disposed under it
    const b = pool.take('b', create('b'));
    expect(b).not.toBe(a);
    expect(built).toBe(2);
    expect(a.disposed + b.disposed).toBe(0);
  });

  it('disposes the longest-hidden terminals past the count', () => {
    const pool = new TerminalPool<FakeSession>({ max: 2, lines: 10_000 });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => new FakeSession(id)) as [FakeSession, FakeSession, FakeSession];
    pool.park(a, everyone);
    pool.park(b, everyone);
    pool.park(pool.take('a', () => new FakeSession('a')), everyone); // a shown again, then hidden: now the newest
    pool.park(c, everyone);
    expect(pool.ids()).toEqual(['a', 'c']);
    expect(b.disposed).toBe(1);
    expect(a.disposed + c.disposed).toBe(0);
  });

  it('disposes the longest-hidden terminals past the lines they hold together', () => {
    const pool = new TerminalPool<FakeSession>({ max: 8, lines: 5_000 });
    const big = new FakeSession('big', 4_000);
    const small = new FakeSession('small', 500);
    const other = new FakeSession('other', 800);
    pool.park(big, everyone);
    pool.park(small, everyone);
    expect(pool.ids()).toEqual(['big', 'small']);
    pool.park(other, everyone); // 5,300 lines: the oldest goes
    expect(pool.ids()).toEqual(['small', 'other']);
    expect(big.disposed).toBe(1);
    // One terminal longer than the whole budget is not kept either.
    const huge = new FakeSession('huge', 6_000);
    pool.park(huge, everyone);
    expect(huge.disposed).toBe(1);
    expect(pool.ids()).toEqual([]);
  });

  it('disposes a removed agent\'s terminal at the next parking', () => {
    const pool = new TerminalPool<FakeSession>({ max: 8, lines: 10_000 });
    const gone = new FakeSession('gone');
    const kept = new FakeSession('kept');
    pool.park(gone, everyone);
    pool.park(kept, (id) => id !== 'gone');
    expect(gone.disposed).toBe(1);
    expect(kept.disposed).toBe(0);
    expect(pool.ids()).toEqual(['kept']);
    expect(pool.take('gone', () => new FakeSession('gone'))).not.toBe(gone);
  });

  it('lets go of removed agents\' terminals when asked, without parking anything', () => {
    const pool = new TerminalPool<FakeSession>({ max: 8, lines: 10_000 });
    const gone = new FakeSession('gone');
    const kept = new FakeSession('kept');
    pool.park(gone, everyone);
    pool.park(kept, everyone);
    pool.prune((id) => id === 'kept');
    expect(gone.disposed).toBe(1);
    expect(pool.ids()).toEqual(['kept']);
  });

  it('keeps one terminal per agent: a second one parked for the same agent replaces the first, which is disposed', () => {
    const pool = new TerminalPool<FakeSession>({ max: 8, lines: 10_000 });
    const first = new FakeSession('a');
    const second = new FakeSession('a');
    pool.park(first, everyone);
    pool.park(second, everyone);
    expect(first.disposed).toBe(1);
    expect(second.disposed).toBe(0);
    expect(pool.take('a', () => new FakeSession('a'))).toBe(second);
  });
});
