import { viewRequests } from '../ui/view-requests';

/** "Sync now" from the palette: the top bar's sync chip runs it and opens, so its answer shows. */
const syncNow = viewRequests();

/** The one chip's key. */
export const SYNC_CHIP = 'sync-chip';
export const onSyncNowRequest = syncNow.on;
/** False when no chip is shown (sync is off). */
export const requestSyncNow = (): boolean => syncNow.ask(SYNC_CHIP);
