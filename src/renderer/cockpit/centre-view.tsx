import { useHost } from '../connection/use-host';
import { BriefsView } from '../briefs/briefs-view';
import { RepoLanes } from '../lanes/repo-lanes';
import { NotificationsView } from '../notifications/notifications-view';
import { SettingsView } from '../settings/settings-view';
import type { CockpitView } from './cockpit-layout';

/** The centre for every view but a lane's workspace. */
export function CentreView({ view }: { view: CockpitView | null }) {
  const host = useHost();
  switch (view?.kind) {
    case 'main': {
      const repo = host.repos?.find((r) => r.id === view.repoId);
      return repo ? (
        <div className="view">
          <RepoLanes repo={repo} />
        </div>
      ) : null;
    }
    case 'health':
      return (
        <div className="view" data-testid="health-view">
          <h2>Health</h2>
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
