import { useSyncExternalStore } from 'react';

/**
 * "Show this file's diff": asked from a lane's terminal (a Ctrl+clicked path the lane
 * changed), answered by the cockpit (it opens the lane panel) and by that lane's diff (it
 * reads the lane again, opens the Changes section and scrolls the file into view,
 * highlighted). Each request has its own number, so asking twice for the same file scrolls
 * to it again.
 */
export interface DiffFocus {
  lanePath: string;
  /** Relative to the lane, as the lane's diff names files. */
  path: string;
  seq: number;
}

let current: DiffFocus | null = null;
const listeners = new Set<() => void>();

export function requestDiffFocus(lanePath: string, path: string): void {
  current = { lanePath, path, seq: (current?.seq ?? 0) + 1 };
  for (const l of [...listeners]) l();
}

export function onDiffFocus(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** The request last scrolled to: a remounted diff does not jump back to it. */
let shownSeq = 0;

export function isDiffFocusShown(seq: number): boolean {
  return seq <= shownSeq;
}

export function markDiffFocusShown(seq: number): void {
  shownSeq = Math.max(shownSeq, seq);
}

export function currentDiffFocus(): DiffFocus | null {
  return current;
}

/** The latest request for this lane, or null. */
export function useDiffFocus(lanePath: string): DiffFocus | null {
  const focus = useSyncExternalStore(onDiffFocus, currentDiffFocus);
  return focus?.lanePath === lanePath ? focus : null;
}
