/**
 * "Find in this agent's terminal", asked from outside the terminal (the command palette):
 * the pane showing that agent opens its find bar. A pane listens only while it is mounted,
 * and only the panes on screen are.
 */
const listeners = new Map<string, Set<() => void>>();

export function onFindRequest(agentId: string, open: () => void): () => void {
  const set = listeners.get(agentId) ?? new Set();
  set.add(open);
  listeners.set(agentId, set);
  return () => {
    set.delete(open);
    if (set.size === 0) listeners.delete(agentId);
  };
}

/** Whether a pane took the request (false: that agent's terminal is not on screen). */
export function requestFind(agentId: string): boolean {
  const set = listeners.get(agentId);
  for (const open of set ?? []) open();
  return Boolean(set?.size);
}
