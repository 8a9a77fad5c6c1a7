import { ConnectionBadge } from './connection/connection-badge';
import { useHost, useHostStore } from './connection/use-host';
import { ReposView } from './repos/repos-view';
import { HostStatusPanel } from './status/host-status-panel';

export function App() {
  const store = useHostStore();
  const host = useHost();
  return (
    <div className="app">
      <header className="topbar">
        <h1>Grove</h1>
        <ConnectionBadge state={host.connection} />
      </header>
      <main className="content">
        <ReposView repos={host.repos} onAdd={(p) => store.addRepo(p)} />
        <HostStatusPanel status={host.status} fetchedAt={host.statusFetchedAt} />
      </main>
    </div>
  );
}
