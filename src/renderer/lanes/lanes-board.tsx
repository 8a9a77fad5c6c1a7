import { useHost } from '../connection/use-host';
import { RepoLanes } from './repo-lanes';

/** Every registered repository with its lanes and MAIN; nothing until one is added. */
export function LanesBoard() {
  const { repos } = useHost();
  if (!repos || repos.length === 0) return null;
  return (
    <div className="lanes-board">
      {repos.map((r) => (
        <RepoLanes key={r.id} repo={r} />
      ))}
    </div>
  );
}
