/**
 * A request to a view made from outside it (the command palette, a shortcut), keyed by what
 * the view shows: an agent's id, a lane's path, a repository's id. The views showing that key
 * hear it while they are mounted, and only the views on screen are.
 *
 * A request nobody heard can wait for its view (`waitMs`): a palette command that first
 * brings the view on screen (a lane, MAIN, the lane panel) asks before the view has
 * mounted. The view takes it when it mounts, if within `waitMs`; later it lapses, so a view
 * mounted much later does not act on a request its operator has forgotten. One request
 * waits at a time per kind: a newer one replaces it.
 */
export interface ViewRequests<T = void> {
  /** While a view shows `key`; hears a request still waiting for it at once. Returns how to stop listening. */
  on(key: string, listener: (request: T) => void): () => void;
  /** Whether a view heard it now (false: none shows `key`, and the request waits if this kind waits). */
  ask(key: string, request: T): boolean;
}

export function viewRequests<T = void>(options: { waitMs?: number } = {}): ViewRequests<T> {
  const listeners = new Map<string, Set<(request: T) => void>>();
  let waiting: { key: string; request: T; at: number } | null = null;
  const hear = (key: string, request: T): boolean => {
    const set = listeners.get(key);
    for (const listener of set ?? []) listener(request);
    return Boolean(set?.size);
  };
  return {
    on(key, listener) {
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      if (waiting?.key === key) {
        const { request, at } = waiting;
        waiting = null;
        if (Date.now() - at <= (options.waitMs ?? 0)) listener(request);
      }
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(key);
      };
    },
    ask(key, request) {
      const heard = hear(key, request);
      waiting = heard || !options.waitMs ? null : { key, request, at: Date.now() };
      return heard;
    },
  };
}
