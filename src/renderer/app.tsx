import { ConnectionBadge } from './connection/connection-badge';
import { useHost, useHostStore } from './connection/use-host';
import { LanePanelHarness } from './lane-panel-harness';
import { useRouteStore } from './navigation/use-route-focus';
import { useRouteFollowing } from './navigation/use-route-following';
import { NotificationsPanel } from './notifications/notifications-panel';
import { usePageBadge } from './notifications/use-page-badge';
import { useWebNotifications } from './notifications/use-web-notifications';
import { ReposView } from './repos/repos-view';
import { HostStatusPanel } from './status/host-status-panel';
import { LanesView } from './terminals/lanes-view';

export function App() {
  const store = useHostStore();
  const routes = useRouteStore();
  const host = useHost();
  usePageBadge(host.agents, host.health);
  useRouteFollowing(routes);
  useWebNotifications(store, routes);
  return (
    <div className="app">
      <header className="topbar">
        <h1>Grove</h1>
        <ConnectionBadge state={host.connection} />
      </header>
      <main className="content">
        <div className="main-column">
          <LanePanelHarness />
          <LanesView />
        </div>
        <aside className="side-column">
          {host.alerts.length > 0 && (
            <section className="panel alerts" aria-label="Alerts" data-testid="alerts">
              <h2>Alerts</h2>
              <ul>
                {host.alerts.slice(0, 5).map((a) => (
                  <li key={a.seq}>
                    {a.repoId && <strong>{host.repos?.find((r) => r.id === a.repoId)?.name ?? 'repository'}: </strong>}
                    {a.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <NotificationsPanel />
          <ReposView repos={host.repos} onAdd={(p) => store.addRepo(p)} />
          <HostStatusPanel status={host.status} fetchedAt={host.statusFetchedAt} />
        </aside>
      </main>
    </div>
  );
}
