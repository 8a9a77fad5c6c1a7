import { viewRequests } from '../ui/view-requests';

/**
 * The palette's "When a waiting agent is told again…": the Notifications view's escalation
 * field takes the keys. Asked as the palette brings the view on screen, so it waits a moment
 * for the view to mount.
 */
const requests = viewRequests({ waitMs: 2000 });

export const ESCALATION = 'escalation';
export const requestEscalationField = (): void => void requests.ask(ESCALATION);
export const onEscalationRequest = requests.on;
