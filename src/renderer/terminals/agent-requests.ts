/**
 * A request about one agent's terminal made from outside it (the palette, a shortcut): the
 * panes showing that agent hear it while they are mounted, and only the panes on screen are.
 * find-requests.ts and focus-requests.ts are the two kinds.
 */
export interface AgentRequests {
  /** While a pane shows `agentId`; returns how to stop listening. */
  on(agentId: string, listener: () => void): () => void;
  /** Whether a pane heard it (false: that agent's terminal is not on screen). */
  ask(agentId: string): boolean;
}

export function agentRequests(): AgentRequests {
  const listeners = new Map<string, Set<() => void>>();
  return {
    on(agentId, listener) {
      const set = listeners.get(agentId) ?? new Set();
      set.add(listener);
      listeners.set(agentId, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(agentId);
      };
    },
    ask(agentId) {
      const set = listeners.get(agentId);
      for (const listener of set ?? []) listener();
      return Boolean(set?.size);
    },
  };
}
