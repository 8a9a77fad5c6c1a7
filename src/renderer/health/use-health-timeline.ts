import { useEffect, useRef, useState } from 'react';
import type { MainHealth } from '../../shared/health';
import type { HealthTimeline } from '../../shared/incidents';
import { useHostStore } from '../connection/use-host';
import { refreshDelay } from './refresh-delay';

/**
 * A repository's last 24 hours from health.history, fetched again when MAIN's health
 * changes (at most once per REFRESH_GAP_MS) and every minute, so the bar's right edge
 * keeps up with the clock. null until the first answer; an error says why.
 */
const REFRESH_GAP_MS = 3000;
const TICK_MS = 60_000;

export function useHealthTimeline(repoId: string, health: MainHealth | undefined): { timeline: HealthTimeline | null; error: string | null } {
  const store = useHostStore();
  const [state, setState] = useState<{ repoId: string; timeline: HealthTimeline | null; error: string | null }>({ repoId, timeline: null, error: null });
  const lastFetchAt = useRef<number | null>(null);
  // Answers can overtake each other; only a newer request's answer replaces what is shown.
  const requested = useRef(0);
  const applied = useRef(0);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    // Only to move the bar's right edge with the clock: a hidden tab need not ask.
    const timer = setInterval(() => {
      if (!document.hidden) setTick((t) => t + 1);
    }, TICK_MS);
    return () => clearInterval(timer);
  }, []);

  useEffect(() => {
    // A pending fetch is replaced, never dropped: the new timer fires no later than the old one would.
    const timer = setTimeout(() => {
      lastFetchAt.current = Date.now();
      const n = ++requested.current;
      void store.request('health.history', { repoId }).then((r) => {
        if (n < applied.current) return;
        applied.current = n;
        setState((s) => (r.ok ? { repoId, timeline: r.value.timeline, error: null } : { ...s, repoId, error: r.error.message }));
      });
    }, refreshDelay(lastFetchAt.current, Date.now(), REFRESH_GAP_MS));
    return () => clearTimeout(timer);
  }, [store, repoId, health, tick]);

  // After a switch of repository, the other one's bar is not shown while this one's loads.
  return state.repoId === repoId ? { timeline: state.timeline, error: state.error } : { timeline: null, error: null };
}
