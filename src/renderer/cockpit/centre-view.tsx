
import { useHost } from '../connection/use-host';
import type { CockpitView } from './cockpit-layout';
import { LazyPart, lazyPart } from '../ui/lazy-part';

// Each view loads the first time it is shown: the cockpit's first paint carries only the
// rail, the top bar and a lane's workspace.
const MainView = lazyPart(() => import('../main-view/main-view'), (m) => m.MainView);
const HealthView = lazyPart(() => import('../main-view/health-view'), (m) => m.HealthView);
const NotificationsView = lazyPart(() => import('../notifications/notifications-view'), (m) => m.NotificationsView);
const SettingsView = lazyPart(() => import('../settings/settings-view'), (m) => m.SettingsView);
const BriefsView = lazyPart(() => import('../briefs/briefs-view'), (m) => m.BriefsView);

/** The centre for every view but a lane's workspace. */
export function CentreView({ view }: { view: CockpitView | null }) {
  return (
    // Keyed by the view: a view that could not load leaves its message behind when another is chosen.
    <LazyPart key={view?.kind ?? 'none'} fallback={<div className="view muted">Loading…</div>}>
      <View view={view} />
    </LazyPart>
  );
}

function View({ view }: { view: CockpitView | null }) {
  const host = useHost();
  switch (view?.kind) {
    case 'main': {
      const repo = host.repos?.find((r) => r.id === view.repoId);
      return repo ? (
        <div className="view">
          {/* Keyed: what one repository's view holds (a palette request, an answer shown) stays with it. */}
          <MainView key={repo.id} repo={repo} />
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
      return <BriefsView brief={view.brief} />;
    case 'settings':
      return <SettingsView />;
    default:
      return <div className="view muted">Choose a lane or a repository on the left.</div>;
  }
}
