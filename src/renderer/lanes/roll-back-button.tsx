import { useState, useSyncExternalStore, type ReactNode } from 'react';
import type { MergeRecord } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { onRollBackRequest } from '../main-view/main-requests';
import { useViewRequest } from '../ui/use-view-request';
import { ConfirmDialog } from '../ui/dialog';
import { shortSha } from './lane-labels';

/**
 * Rolls MAIN back from a merge whose gate failed and that waits for the operator: asks
 * first, says what stays, then shows the host's refusal (if any) beside the button. One
 * for the merge's outcome and the merges list.
 */
export function RollBackButton({ merge, children, ariaLabel }: { merge: MergeRecord; children: ReactNode; ariaLabel?: string }) {
  const store = useHostStore();
  const [isConfirming, setConfirming] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // An ephemeral lane goes with its good merge: then only git keeps the merged work, and says where.
  const laneIsHere = useSyncExternalStore(store.subscribe, () => store.getSnapshot().lanes?.some((l) => l.id === merge.laneId) ?? true);
  const rollBack = async (): Promise<void> => {
    setBusy(true);
    const r = await store.request('merges.rollback', { id: merge.id });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
  };
  // The palette's "Roll MAIN back…" asks here, as this button does.
  useViewRequest(onRollBackRequest, merge.id, () => setConfirming(true));
  return (
    <>
      <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={isBusy} aria-label={ariaLabel}>
        {children}
      </button>
      <ConfirmDialog
        open={isConfirming}
        onOpenChange={setConfirming}
        title="Roll MAIN back?"
        consequence={<>MAIN returns to <code>{shortSha(merge.mainBefore)}</code>, the commit it had before this merge; what the merge brought leaves MAIN's files.</>}
        stays={
          laneIsHere ? (
            'The lane, its branch and its commits: merge it again once the gate passes.'
          ) : (
            <>The merged commits, kept in git under <code>refs/grove/rolled-back/</code> (the lane is gone).</>
          )
        }
        action="Roll back MAIN"
        onConfirm={() => void rollBack()}
      />
      {error && <p className="error" role="alert">{error}</p>}

    </>
  );
}
