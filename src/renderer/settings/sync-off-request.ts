import { useViewRequest } from '../ui/use-view-request';
import { viewRequests } from '../ui/view-requests';

/**
 * The palette's "Turn sync off…": the settings' Sync section opens its own confirmation, as
 * its button does. Asked as the palette brings the section on screen, so it waits a moment
 * for the section to mount (view-requests.ts).
 */
const requests = viewRequests({ waitMs: 2000 });

export const requestSyncOff = (): void => void requests.ask('sync-off');

export function useSyncOffRequest(confirm: () => void): void {
  useViewRequest(requests.on, 'sync-off', confirm);
}
