import { useState } from 'react';
import type { Lane } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { onAdoptRequest } from '../main-view/main-requests';
import { useViewRequest } from '../ui/use-view-request';
import './lane-panel.css';

/**
 * A worktree made outside Grove, for the rail under its repository: shown so it is not
 * forgotten, and adoptable as a lane (it gets a port block; no setup is run). Once adopted,
 * the host's `lane.created` replaces it with the lane.
 */
export function AdoptableLaneRow({ lane }: { lane: Lane }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const adopt = async (): Promise<void> => {
    setBusy(true);
    const r = await store.request('lanes.adopt', { repoId: lane.repoId, path: lane.path });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
  };
  useViewRequest(onAdoptRequest, lane.path, () => {
    if (!isBusy) void adopt();
  });
  return (
    <div className="adoptable-lane" data-testid="adoptable-lane" data-path={lane.path} role="group" aria-label={`Worktree ${lane.name}`}>
      <span className="lp-adoptable-name">{lane.name}</span>
      <code>{lane.branch ?? '(detached)'}</code>
      <button type="button" onClick={() => void adopt()} disabled={isBusy} title="Take this worktree under Grove's care: it gets a port block; no setup is run" aria-label={`Adopt worktree ${lane.name}`}>
        {isBusy ? 'Adopting…' : 'Adopt'}
      </button>
      <span className="lp-adoptable-path" title="Made outside Grove">{lane.path}</span>
      {error && <p className="lp-error" role="alert">{error}</p>}
    </div>
  );
}
