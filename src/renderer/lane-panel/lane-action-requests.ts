import type { NetworkChoice } from '../lanes/network-choice';
import { viewRequests } from '../ui/view-requests';

/**
 * A lane action from the palette, done by the lane panel's own buttons' code (LaneActions),
 * so its answer shows where the buttons' answers show, and Remove confirms as the button
 * does. The panel may open with the request: it waits up to 2 s for the panel to mount.
 */
export type LaneActionRequest = 'serve' | 'stop-serving' | 'remove';

const actions = viewRequests<LaneActionRequest>({ waitMs: 2000 });

export function onLaneActionRequest(lanePath: string, act: (request: LaneActionRequest) => void): () => void {
  return actions.on(lanePath, act);
}

export function requestLaneAction(lanePath: string, request: LaneActionRequest): void {
  actions.ask(lanePath, request);
}

/** "Network of X: …" from the palette: the lane panel's network select sets it, as a pick there does. */
const network = viewRequests<NetworkChoice>({ waitMs: 2000 });

export const onLaneNetworkRequest = network.on;

export function requestLaneNetwork(lanePath: string, choice: NetworkChoice): void {
  network.ask(lanePath, choice);
}
