import { describe, expect, it } from 'vitest';
import { CALM_MS, JUMPING_SCROLLBACK, JumpScrollback, SCROLLBACK } from '../../../../src/renderer/terminals/jump-scrollback';

/** A clock the test moves by hand. */
function fakeTimers() {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; fn: () => void }>();
  return {
    timers: {
      set: (fn: () => void, ms: number) => {
        due.set(next, { at: now + ms, fn });
        return next++ as unknown as ReturnType<typeof setTimeout>;
      },
      clear: (id: ReturnType<typeof setTimeout>) => void due.delete(id as unknown as number),
    },
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...due]) {
        if (t.at > now) continue;
        due.delete(id);
        t.fn();
      }
    },
    pending: () => due.size,
  };
}

describe("a pane's scrollback while its stream jumps", () => {
  it('runs on the real timers, called as the browser requires (not as methods of another object)', () => {
    const strict = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
    // A setTimeout that, like the browser's, refuses to be called with another `this`.
    globalThis.setTimeout = function (this: unknown, ...a: Parameters<typeof setTimeout>) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation');
      return strict.setTimeout(...a);
    } as typeof setTimeout;
    try {
      const set: number[] = [];
      const s = new JumpScrollback((n) => set.push(n));
      s.jumped();
      s.jumped();
      s.dispose();
      expect(set).toEqual([JUMPING_SCROLLBACK]);
    } finally {
      globalThis.setTimeout = strict.setTimeout;
    }
  });

  it('is short from the first jump, and long again once the stream has been calm for CALM_MS', () => {
    const clock = fakeTimers();
    const set: number[] = [];
    const s = new JumpScrollback((n) => set.push(n), clock.timers);
    s.jumped();
    expect(set).toEqual([JUMPING_SCROLLBACK]);
    // A flood: jumps every 130 ms keep it short, and it is set once, not per jump.
    for (let i = 0; i < 30; i++) {
      clock.advance(130);
      s.jumped();
    }
    expect(set).toEqual([JUMPING_SCROLLBACK]);
    clock.advance(CALM_MS - 1);
    expect(set).toEqual([JUMPING_SCROLLBACK]);
    clock.advance(1);
    expect(set).toEqual([JUMPING_SCROLLBACK, SCROLLBACK]);
    // The next flood shortens it again.
    s.jumped();
    expect(set).toEqual([JUMPING_SCROLLBACK, SCROLLBACK, JUMPING_SCROLLBACK]);
  });

  it('is long again at once when the pane stops jumping (View all)', () => {
    const clock = fakeTimers();
    const set: number[] = [];
    const s = new JumpScrollback((n) => set.push(n), clock.timers);
    s.stopped();
    expect(set).toEqual([]);
    s.jumped();
    s.stopped();
    expect(set).toEqual([JUMPING_SCROLLBACK, SCROLLBACK]);
    expect(clock.pending()).toBe(0);
  });

  it('leaves no timer behind when the pane closes', () => {
    const clock = fakeTimers();
    const set: number[] = [];
    const s = new JumpScrollback((n) => set.push(n), clock.timers);
    s.jumped();
    s.dispose();
    expect(clock.pending()).toBe(0);
    clock.advance(CALM_MS * 2);
    expect(set).toEqual([JUMPING_SCROLLBACK]);
  });
});
