import { parseRoute } from '../shared/ui-route';

/**
 * Where a route the shell sends (a click on a native notification or a tray item) goes in
 * the page: to the listeners the UI registered with `onNavigate`, or, while none is
 * registered (the page is still starting), into `location.hash`, which the UI reads when it
 * starts. Anything that is not one of the UI's routes is dropped. Free of Electron, so it is
 * tested under Node.
 */
export function deliverRoute(route: unknown, listeners: ReadonlySet<(route: string) => void>, location: { hash: string }): boolean {
  if (typeof route !== 'string' || parseRoute(route) === null) return false;
  if (listeners.size === 0) {
    location.hash = route;
    return true;
  }
  for (const listener of listeners) listener(route);
  return true;
}
