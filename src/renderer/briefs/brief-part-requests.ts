import { useViewRequest } from '../ui/use-view-request';
import { viewRequests } from '../ui/view-requests';

/**
 * The brief page's own actions asked for from the command palette ("Edit #12's spec", "Add a
 * note to #12"), done by the part of the page that has the button, so the form opens, takes
 * the keys and answers there. The palette offers them only while a brief's page is the view
 * (one at a time), so a request is keyed by the part alone, not by the brief's number: a
 * brief renumbered while its page is open (its first push to the shared store) is still the
 * one on screen. Each part listens for its own, and a request made while the page is still
 * loading waits for that part.
 */
export type BriefPart = 'details' | 'status' | 'spec' | 'note' | 'dispatch' | 'parent' | 'dependency' | 'link' | 'attach';

const requests = viewRequests({ waitMs: 2000 });

export const requestBriefPart = (part: BriefPart): void => void requests.ask(part);
export const onBriefPartRequest = requests.on;

/** A part the palette does not open (the spec editor's drop zone) listens on a key nobody asks. */
const NO_PART = '';

/** While this part of the brief's page is mounted, `open` answers the palette's request for it; with null, nothing does. */
export function useBriefPartRequest(part: BriefPart | null, open: () => void): void {
  useViewRequest(requests.on, part ?? NO_PART, open);
}

/**
 * An item of the page the palette acts on (brief-page-items.ts): a dispatch to cancel, an
 * entry to redact, a plan to accept, a dependency or link to remove, a contested spec to
 * settle (their version, or the one standing: its id is `KEEP_SPEC`).
 */
export type BriefItemAction = 'cancel-dispatch' | 'redact-entry' | 'accept-plan' | 'remove-dependency' | 'remove-link' | 'use-theirs' | 'keep-spec';

/** The id the palette's "Keep the spec" names: the spec standing, not one version. */
export const KEEP_SPEC = 'standing';

/** Keyed by the action; the request is the item's id, for the part that lists it to find. */
const itemRequests = viewRequests<string>();

export const requestBriefItem = (action: BriefItemAction, id: string): void => void itemRequests.ask(action, id);

/** While mounted, `act` hears the palette's requests for `action`, with the item's id. */
export function useBriefItemRequest(action: BriefItemAction, act: (id: string) => void): void {
  useViewRequest(itemRequests.on, action, act);
}
