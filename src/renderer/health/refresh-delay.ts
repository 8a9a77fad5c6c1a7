/**
 * The uptime bar's refresh throttle: health.updated can come once per probe run, and the
 * bar needs at most one fetch per gap. At once when the last fetch is older than the gap,
 * otherwise when the gap is over, so the last change is always fetched (trailing edge).
 */
export function refreshDelay(lastFetchAt: number | null, now: number, minGapMs: number): number {
  if (lastFetchAt === null) return 0;
  return Math.max(0, lastFetchAt + minGapMs - now);
}
