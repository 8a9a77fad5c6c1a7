import type { Notification } from '../../shared/notifications';
import { decidePopup, type PopupState, type Viewer } from '../../shared/notification-popup';
import { routeFor } from '../../shared/ui-route';

/**
 * When the browser itself shows a notification, decided in one pure place:
 * - only in a plain browser: in the app the shell shows native ones, and two of each would
 *   teach the operator to ignore both;
 * - only for live events: the host replays history on every (re)connect, and a replay is
 *   news the operator already had (or slept through; the panel lists it);
 * - never one id twice; only with the browser's permission, asked for once from a visible
 *   prompt, with a reason;
 * - then as the app's shell decides too (notification-popup.ts): never a quiet one, not
 *   while the focused page shows its workspace, one per burst about a workspace.
 */
/** The browser's Notification.permission, or that it has no Notification at all. */
export type WebPermission = 'default' | 'granted' | 'denied' | 'unsupported';

export interface WebNotificationSpec {
  title: string;
  body: string;
  /** One per id: the browser replaces rather than stacks a repeat. */
  tag: string;
  /** The hash a click leads to. */
  route: string;
  /** Critical ones (MAIN broken, an agent gave up) stay until dismissed. */
  requireInteraction: boolean;
}

export interface WebNotificationContext {
  isLive: boolean;
  hasShell: boolean;
  permission: WebPermission;
  wasShown: boolean;
  viewer: Viewer;
  popups: PopupState;
  now: number;
}

/** The notification to show (or null), and the popup state to keep for the next one. */
export function webNotificationFor(n: Notification, context: WebNotificationContext): { spec: WebNotificationSpec | null; popups: PopupState } {
  const { popups } = context;
  if (context.hasShell || !context.isLive || context.wasShown || context.permission !== 'granted') return { spec: null, popups };
  const decided = decidePopup(popups, n, context.viewer, context.now);
  if (decided.verdict !== 'pop') return { spec: null, popups: decided.state };
  const spec = { title: n.title, body: n.body, tag: `grove-${n.id}`, route: routeFor(n.target), requireInteraction: n.severity === 'critical' };
  return { spec, popups: decided.state };
}

/** ask: show the prompt with its reason. blocked: say how to allow them again. hidden: nothing to say. */
export type PermissionPrompt = 'ask' | 'blocked' | 'hidden';

export function permissionPromptOf(context: { hasShell: boolean; permission: WebPermission; isDismissed: boolean }): PermissionPrompt {
  if (context.hasShell || context.permission === 'unsupported' || context.permission === 'granted') return 'hidden';
  if (context.permission === 'denied') return 'blocked';
  return context.isDismissed ? 'hidden' : 'ask';
}
