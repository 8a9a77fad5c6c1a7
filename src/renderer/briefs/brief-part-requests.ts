import { useViewRequest } from '../ui/use-view-request';
import { viewRequests } from '../ui/view-requests';

/**
 * A brief page's own actions asked for from the command palette ("Edit #12's spec", "Add a
 * note to #12"), done by the part of the page that has the button, so the form opens, takes
 * the keys and answers there. Keyed by the brief's number and the part: each part listens
 * for its own, and a request made while the page is still loading waits for that part.
 */
export type BriefPart = 'details' | 'status' | 'spec' | 'note' | 'dispatch';

const requests = viewRequests({ waitMs: 2000 });
const keyOf = (number: number, part: BriefPart): string => `${number}:${part}`;

export const requestBriefPart = (number: number, part: BriefPart): void => void requests.ask(keyOf(number, part));

/** While the part of brief `number`'s page is mounted, `open` answers the palette's request for it. */
export function useBriefPartRequest(number: number, part: BriefPart, open: () => void): void {
  useViewRequest(requests.on, keyOf(number, part), open);
}
