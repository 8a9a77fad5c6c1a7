import { routeFor, type UiRoute } from '../../shared/ui-route';
import type { RouteFocus } from './route-store';

/**
 * Which part of the UI a route points at. Pure, so the decision is tested without a DOM;
 * the hooks in use-route-focus.ts do the scrolling.
 */

/** Whether the operator was sent to exactly `target` (a repository's route does not focus its incidents). */
export function isFocusOn(focus: RouteFocus | null, target: UiRoute): boolean {
  return focus !== null && routeFor(focus.target) === routeFor(target);
}
