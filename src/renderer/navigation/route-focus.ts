import { NotificationTarget } from '../../shared/notifications';
import { parseRoute, routeFor } from '../../shared/ui-route';
import type { RouteFocus } from './route-store';

/**
 * Which part of the UI a route points at. Pure, so the decisions are tested without a DOM;
 * the hooks in use-route-focus.ts do the scrolling.
 */

/** Whether the operator was sent to exactly `target` (a repository's route does not focus its incidents). */
export function isFocusOn(focus: RouteFocus | null, target: NotificationTarget): boolean {
  return focus !== null && routeFor(focus.target) === routeFor(target);
}

/**
 * What the shell's `onNavigate` hands over, read defensively: the bridge is another
 * engineer's and another process's, so a hash (`#/repo/…`) and a target object are both
 * accepted, and anything else is ignored.
 */
export function targetOfShellRoute(route: unknown): NotificationTarget | null {
  if (typeof route === 'string') return parseRoute(route);
  const parsed = NotificationTarget.safeParse(route);
  return parsed.success ? parsed.data : null;
}
