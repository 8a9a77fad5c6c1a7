import { viewRequests } from '../ui/view-requests';

/**
 * "Find in this agent's terminal", asked from outside the terminal (the command palette):
 * the pane showing that agent opens its find bar.
 */
const finds = viewRequests();

export function onFindRequest(agentId: string, open: () => void): () => void {
  return finds.on(agentId, open);
}

/** Whether a pane took the request (false: that agent's terminal is not on screen). */
export function requestFind(agentId: string): boolean {
  return finds.ask(agentId);
}
