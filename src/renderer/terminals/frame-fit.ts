/**
 * How an output frame [offset, end) fits what a terminal already holds: it was handed bytes
 * up to `have` (null: nothing yet, any frame starts it).
 * - `write`: it follows on (`skip` leading bytes it already has);
 * - `duplicate`: it holds all of it already (a re-attach's overlap; a terminal holding bytes
 *   a log cut back lost is reset by an `ahead` jump first, so new output is never taken for them);
 * - `stale`: it starts past `have`, so it cannot be from the current attachment, which streams
 *   on from `have`: a frame of one the terminal has left (hidden, then shown again before the
 *   old attachment's frames stopped coming). Writing it would leave a hole.
 */
export type FrameFit = { kind: 'write'; skip: number } | { kind: 'duplicate' } | { kind: 'stale' };

export function frameFit(have: number | null, offset: number, end: number): FrameFit {
  if (have === null) return { kind: 'write', skip: 0 };
  if (offset > have) return { kind: 'stale' };
  if (end <= have) return { kind: 'duplicate' };
  return { kind: 'write', skip: have - offset };
}
