/**
 * How much scrollback a pane keeps: SCROLLBACK lines, or JUMPING_SCROLLBACK while its stream
 * jumps (an agent flooding faster than the page can draw, so the host skips it ahead). Each
 * jump resets the terminal, scrollback included, and a flood jumps several times a second:
 * the long scrollback never fills, and xterm.js keeps paying for a buffer that is still
 * growing (a new row allocated per line, the scrollbar measured again per line) where a full
 * one reuses its oldest row. A short one is full again within a screen or so after each
 * jump. Once the stream has not jumped for CALM_MS the long scrollback comes back, for what
 * comes next.
 */
export const SCROLLBACK = 10_000;
export const JUMPING_SCROLLBACK = 1_000;
export const CALM_MS = 2_000;

export class JumpScrollback {
  private calm: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly setScrollback: (lines: number) => void,
    // Wrapped: the browser's setTimeout refuses to be called on another object.
    private readonly timers: { set: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>; clear: (h: ReturnType<typeof setTimeout>) => void } = {
      set: (fn, ms) => setTimeout(fn, ms),
      clear: (h) => clearTimeout(h),
    },
  ) {}

  /** The stream jumped: short scrollback until it has been calm for CALM_MS. */
  jumped(): void {
    if (this.calm === null) this.setScrollback(JUMPING_SCROLLBACK);
    else this.timers.clear(this.calm);
    this.calm = this.timers.set(() => {
      this.calm = null;
      this.setScrollback(SCROLLBACK);
    }, CALM_MS);
  }

  /** The stream no longer jumps ("View all" replays everything): the long scrollback at once. */
  stopped(): void {
    if (this.calm === null) return;
    this.timers.clear(this.calm);
    this.calm = null;
    this.setScrollback(SCROLLBACK);
  }

  dispose(): void {
    if (this.calm !== null) this.timers.clear(this.calm);
    this.calm = null;
  }
}
