import type { MouseEvent, ReactNode } from 'react';
import { routeFor, type UiRoute } from '../../../shared/ui-route';
import { navigateTo, useRouteStore } from '../../navigation/use-route-focus';

/**
 * A place in the cockpit (a lane's workspace, an agent's tab) as a link, followed the one
 * way every caller shares: a second click on the same place still goes there.
 */
export function RouteLink({ route, children, title }: { route: UiRoute; children: ReactNode; title?: string }) {
  const routes = useRouteStore();
  const go = (e: MouseEvent): void => {
    e.preventDefault();
    navigateTo(routes, route);
  };
  return (
    <a href={routeFor(route)} onClick={go} title={title}>
      {children}
    </a>
  );
}
