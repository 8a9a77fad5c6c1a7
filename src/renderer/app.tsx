import { Cockpit } from './cockpit/cockpit';
import { useHostStore } from './connection/use-host';
import { useHost } from './connection/use-host';
import { useRouteStore } from './navigation/use-route-focus';
import { useRouteFollowing } from './navigation/use-route-following';
import { usePageBadge } from './notifications/use-page-badge';
import { useWebNotifications } from './notifications/use-web-notifications';

/** The page: the cockpit, with the page's badge, routes and web notifications wired to the host. */
export function App() {
  const store = useHostStore();
  const routes = useRouteStore();
  const host = useHost();
  usePageBadge(host.agents, host.health);
  useRouteFollowing(routes);
  useWebNotifications(store, routes);
  return <Cockpit />;
}
