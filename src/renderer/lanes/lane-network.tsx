import { useId, useState } from 'react';
import type { Lane, LaneNetwork } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { choiceOf, networkOfChoice, type NetworkChoice } from './network-choice';
import { onLaneNetworkRequest } from '../lane-panel/lane-action-requests';
import { useViewRequest } from '../ui/use-view-request';

/**
 * A lane's network on screen: the options (network-choice.ts has what they mean), shared by
 * the create-lane dialog and the lane panel, and the lane panel's select.
 */
export type { NetworkChoice } from './network-choice';

/** The options of a network `<select>`; `repoDefault` is what "Repository default" means now. */
export function NetworkOptions({ repoDefault }: { repoDefault: LaneNetwork | null }) {
  return (
    <>
      <option value="default">Repository default{repoDefault ? ` (${repoDefault})` : ''}</option>
      <option value="open">Open</option>
      <option value="loopback">Loopback — this machine only</option>
      <option value="none">None — only Grove’s host</option>
    </>
  );
}

/**
 * The lane panel's network: a small select, changed at once (`lanes.setNetwork`); running
 * agents keep theirs until they start again, which the hint says.
 */
export function LaneNetworkSelect({ lane, repoDefault }: { lane: Lane; repoDefault: LaneNetwork | null }) {
  const store = useHostStore();
  const id = useId();
  const [isSaving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const change = async (choice: NetworkChoice): Promise<void> => {
    setSaving(true);
    const r = await store.request('lanes.setNetwork', { id: lane.id, network: networkOfChoice(choice) });
    setSaving(false);
    setError(r.ok ? null : r.error.message);
  };
  // The palette's "Network of X: …" comes here, so its answer shows beside the select.
  useViewRequest(onLaneNetworkRequest, lane.path, (choice) => void change(choice));
  return (
    <>
      <select
        id={id}
        className="lp-network"
        aria-label="Network"
        aria-describedby={`${id}-hint`}
        value={choiceOf(lane.network)}
        onChange={(e) => void change(e.target.value as NetworkChoice)}
        disabled={isSaving}
        data-testid="lane-network"
      >
        <NetworkOptions repoDefault={repoDefault} />
      </select>
      <span id={`${id}-hint`} className="lp-network-hint">
        From each agent’s next start
      </span>
      {error && (
        <span className="lp-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
