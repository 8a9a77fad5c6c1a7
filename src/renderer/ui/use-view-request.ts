import { useEffect, useRef } from 'react';

/**
 * Listens, while mounted, for requests to the view showing `key` (view-requests.ts), with
 * the handler of the latest render: it reads the view's current state, and a new handler
 * each render does not make the view stop and start listening (which would lose nothing,
 * but would hand a waiting request to the first render's stale state).
 */
export function useViewRequest<T>(on: (key: string, listener: (request: T) => void) => () => void, key: string, handler: (request: NoInfer<T>) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => on(key, (request) => latest.current(request)), [on, key]);
}
