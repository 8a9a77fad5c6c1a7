import { lazy, Suspense } from 'react';
import { useHost } from '../connection/use-host';
import type { CockpitView } from './cockpit-layout';

// Each view loads the first time it is shown: the cockpit's first paint carries only the
// rail, the top bar and a lane's workspace.
const MainView = lazy(() => import('../main-view/main-view').then((m) => ({ default: m.MainView })));
const HealthView = lazy(() => import('../main-view/health-view').then((m) => ({ default: m.HealthView })));
const NotificationsView = lazy(() => import('../notifications/notifications-view').then((m) => ({ default: m.NotificationsView })));
const SettingsView = lazy(() => import('../settings/settings-view').then((m) => ({ default: m.SettingsView })));
const BriefsView = lazy(() => import('../briefs/briefs-view').then((m) => ({ default: m.BriefsView })));

/** The centre for every view but a lane's workspace. */
export function CentreView({ view }: { view: CockpitView | null }) {
  return (
    <Suspense fallback={<div className="view muted">Loading…</div>}>
      <View view={view} />
    </Suspense>
  );
}

function View({ view }: { view: CockpitView | null }) {
  const host = useHost();
  switch (view?.kind) {
    case 'main': {
      const repo = host.repos?.find((r) => r.id === view.repoId);
      return repo ? (
        <div className="view">
          <MainView repo={repo} />
        </div>
      ) : null;
    }
    case 'health':
      return (
        <div className="view">
          <HealthView />
        </div>
      );
    case 'notifications':
      return (
        <div className="view">
          <NotificationsView />
        </div>
      );
    case 'briefs':
      return <BriefsView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <div className="view muted">Choose a lane or a repository on the left.</div>;
  }
}
