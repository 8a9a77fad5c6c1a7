import { useEffect, useState } from 'react';
import type { Dispatch } from '../../shared/dispatch';
import { useHostStore, useIsConnected } from '../connection/use-host';

/**
 * The dispatches that worked in a lane (every state, newest first): the briefs linked to it.
 * Read again when one of them moves on, and after a reconnect. null until read; `error` when
 * the host refused.
 */
export function useLaneDispatches(laneId: string): { dispatches: Dispatch[] | null; error: string | null } {
  const store = useHostStore();
  const [dispatches, setDispatches] = useState<Dispatch[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(
    () =>
      store.onEventOf('dispatch.updated', ({ dispatch }) => {
        if (dispatch.laneId === laneId || dispatch.targetLaneId === laneId) setGeneration((g) => g + 1);
      }),
    [store, laneId],
  );
  const isConnected = useIsConnected();
  useEffect(() => {
    if (!isConnected) return;
    let isCurrent = true;
    void store.request('dispatch.list', { laneId, limit: 50 }).then((r) => {
      if (!isCurrent) return;
      setError(r.ok ? null : r.error.message);
      if (r.ok) setDispatches(r.value.dispatches);
    });
    return () => {
      isCurrent = false;
    };
  }, [store, laneId, generation, isConnected]);
  return { dispatches, error };
}
