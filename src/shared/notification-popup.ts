import type { Notification } from './notifications';
import { routeFor } from './ui-route';

/**
 * Whether a notification the host made pops up on this screen (a native notification in
 * the app, a Web Notification in a browser), decided the same way by both, pure:
 *
 * - quiet ones (paused, rate limited) never pop: they are listed in the bell;
 * - in a focused window that shows the notification's workspace (the lane, or MAIN, it is
 *   about), nothing pops: the operator is looking at it;
 * - a burst of one kind of news about one workspace pops once: after a popup, the same kind
 *   about that workspace (three agents of a lane waiting at once) is listed only for the next
 *   DEBOUNCE_MS. Other news about it still pops: a crash after a wait, MAIN working again
 *   after breaking;
 * - the escalation (`agent.still-waiting`, made by the host once per wait) pops even in a
 *   focused window on that lane, and through the debounce: a window can be focused with no
 *   one in front of it, and an agent left waiting that long is what the escalation is for.
 *
 * What counts as a burst is per client on purpose: the host's rate limit already holds back
 * repeats for every client; this folds different news about one place into one popup.
 */
export const PopupLimits = {
  /** A workspace's notifications within this long of its last popup are folded into it. */
  DEBOUNCE_MS: 30_000,
} as const;

/** What the client knows of its own screen. */
export interface Viewer {
  isFocused: boolean;
  /** The workspace (lane or MAIN checkout path) shown in the centre, or null for none. */
  visibleWorkspace: string | null;
}

export type PopupVerdict = 'pop' | 'quiet' | 'on-screen' | 'debounced';

export interface PopupState {
  /** Per kind and workspace (or route, when there is none): when it last popped up (ms). */
  readonly last: ReadonlyMap<string, number>;
}

export const EMPTY_POPUP_STATE: PopupState = { last: new Map() };

export const isEscalation = (n: Pick<Notification, 'kind'>): boolean => n.kind === 'agent.still-waiting';

/** What a burst is counted per: the kind, and the workspace (or where the notification leads). */
export const popupKeyOf = (n: Pick<Notification, 'kind' | 'workspace' | 'target'>): string => `${n.kind} ${n.workspace ?? routeFor(n.target)}`;

export function decidePopup(
  state: PopupState,
  n: Pick<Notification, 'kind' | 'quiet' | 'workspace' | 'target'>,
  viewer: Viewer,
  now: number,
): { state: PopupState; verdict: PopupVerdict } {
  if (n.quiet !== null) return { state, verdict: 'quiet' };
  const escalation = isEscalation(n);
  if (!escalation && viewer.isFocused && n.workspace !== null && n.workspace === viewer.visibleWorkspace) return { state, verdict: 'on-screen' };
  const key = popupKeyOf(n);
  const last = state.last.get(key);
  if (!escalation && last !== undefined && now - last < PopupLimits.DEBOUNCE_MS) return { state, verdict: 'debounced' };
  // Forget keys whose window is over, so the map does not grow with every lane ever seen.
  const kept = [...state.last].filter(([, at]) => now - at < PopupLimits.DEBOUNCE_MS);
  return { state: { last: new Map(kept).set(key, now) }, verdict: 'pop' };
}
