import { agentRequests } from './agent-requests';

/**
 * "Put the keys in this agent's terminal", asked by an action that brings the agent to the
 * front (the next waiting agent, the next tab, the palette's "Agent X"): the pane that shows
 * it, now or once it is mounted, focuses its terminal. Without this the keys went nowhere
 * after such a jump: the pane that had them was unmounted, and focus fell to the page.
 * A request not taken within REQUEST_MS (the agent never came on screen) lapses, so a pane
 * mounted much later does not take the focus from whatever has it then.
 */
const REQUEST_MS = 2000;
let pending: { agentId: string; at: number } | null = null;
const focuses = agentRequests();

export function requestTerminalFocus(agentId: string): void {
  pending = { agentId, at: Date.now() };
  focuses.ask(agentId);
}

/** While a pane shows `agentId`: `focus` is called on a request now, and at once for one pending. */
export function onFocusRequest(agentId: string, focus: () => void): () => void {
  const take = (): void => {
    if (pending?.agentId !== agentId || Date.now() - pending.at > REQUEST_MS) return;
    pending = null;
    focus();
  };
  const stop = focuses.on(agentId, take);
  take();
  return stop;
}
