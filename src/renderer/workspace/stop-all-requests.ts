import { viewRequests } from '../ui/view-requests';

/** "Stop every agent in this lane", from the palette: the lane's workspace asks, as its own button does. */
const stopAll = viewRequests({ waitMs: 2000 });

/** While a lane's workspace is mounted, keyed by the lane's path. */
export const onStopAllRequest = stopAll.on;

export function requestStopAll(lanePath: string): void {
  stopAll.ask(lanePath);
}
