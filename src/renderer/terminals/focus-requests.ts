import { viewRequests } from '../ui/view-requests';

/**
 * "Put the keys in this agent's terminal", asked by an action that brings the agent to the
 * front (the next waiting agent, the next tab, a lane's key, the palette's "Agent X"): the
 * pane that shows it, now or once it is mounted, focuses its terminal. Without this the keys
 * went nowhere after such a jump: the pane that had them was unmounted, and focus fell to
 * the page. A request not taken within 2 s (the agent never came on screen) lapses.
 */
const focuses = viewRequests({ waitMs: 2000 });

export function requestTerminalFocus(agentId: string): void {
  focuses.ask(agentId);
}

/** While a pane shows `agentId`: `focus` is called on a request now, and at once for one waiting. */
export function onFocusRequest(agentId: string, focus: () => void): () => void {
  return focuses.on(agentId, focus);
}
