/**
 * Keystroke echo timings taken within a window (bench/terminals.ts (d): while all eight
 * floods run). A keystroke counts only if the window held both when it was sent and when
 * its echo came back: one echoed after the floods ended measured a quieter host. Typing
 * stops at the first keystroke the window no longer holds for, so "under flood" never
 * mixes in keystrokes made after it.
 */
export interface KeystrokeTimings {
  /** Echo latencies of the keystrokes that count, in order. */
  ms: number[];
  /** How many counted (ms.length). */
  during: number;
  /** Typed within the window but echoed after it closed: left out. */
  dropped: number;
}

export async function timeKeystrokes(o: {
  count: number;
  /** Sends keystroke i and resolves once its echo is back. */
  type: (i: number) => Promise<void>;
  /** The window: true while samples count. */
  within: () => boolean;
  now: () => number;
  /** Between keystrokes (a typist's gap). */
  pause: () => Promise<void>;
}): Promise<KeystrokeTimings> {
  const ms: number[] = [];
  let dropped = 0;
  for (let i = 0; i < o.count && o.within(); i++) {
    const t0 = o.now();
    await o.type(i);
    const took = o.now() - t0;
    if (o.within()) ms.push(took);
    else dropped++;
    await o.pause();
  }
  return { ms, during: ms.length, dropped };
}
