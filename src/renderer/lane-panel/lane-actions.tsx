import { GitBranchPlus, Globe, GlobeLock, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import type { Lane } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { archiveWouldKeep, filesOf } from '../lanes/error-details';
import { shortSha } from '../lanes/lane-labels';
import { ConfirmDialog } from '../ui/dialog';
import { useViewRequest } from '../ui/use-view-request';
import { onLaneActionRequest } from './lane-action-requests';

/**
 * What the operator does to a lane besides merging it: rebase it onto MAIN, serve it or stop,
 * remove it. A removal confirms first and says what stays; one refused because it would lose
 * work lists what, and offers the archive ("everything, then remove"). Each action's answer
 * shows once, under the buttons.
 */
type Action = 'rebase' | 'serve' | 'remove';
type Answer = { ok: true; message: string | null } | { ok: false; error: CallError };

export function LaneActions({ lane, canServe }: { lane: Lane; canServe: boolean }) {
  const store = useHostStore();
  const [running, setRunning] = useState<Action | null>(null);
  const [failure, setFailure] = useState<{ action: Action; error: CallError } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** A palette command this lane cannot do now, said here as the host's refusals are. */
  const [refusal, setRefusal] = useState<string | null>(null);
  const [isConfirmingRemove, setConfirmingRemove] = useState(false);
  const isMissing = lane.status === 'missing';

  const run = async (action: Action, call: () => Promise<Answer>): Promise<void> => {
    setRunning(action);
    setNotice(null);
    setRefusal(null);
    const r = await call();
    setRunning(null);
    setFailure(r.ok ? null : { action, error: r.error });
    if (r.ok) setNotice(r.message);
  };
  const rebase = (): Promise<void> =>
    run('rebase', async () => {
      const r = await store.request('lanes.rebase', { id: lane.id });
      return r.ok ? { ok: true, message: `Rebased onto MAIN: now at ${shortSha(r.value.head)}; the old head is kept in ${r.value.recoveryRef}.` } : r;
    });
  const serve = (on: boolean): Promise<void> =>
    run('serve', async () => {
      const r = await store.request('lanes.serve', { id: lane.id, on });
      return r.ok ? { ok: true, message: null } : r;
    });
  const remove = (archive: boolean): Promise<void> =>
    run('remove', async () => {
      const r = await store.request('lanes.remove', { id: lane.id, ...(archive ? { archive: true } : {}) });
      return r.ok ? { ok: true, message: null } : r;
    });

  // The palette's lane commands come here, so they answer where these buttons do.
  const refuse = (message: string): void => {
    setNotice(null);
    setFailure(null);
    setRefusal(message);
  };
  useViewRequest(onLaneActionRequest, lane.path, (request) => {
    if (running !== null) return refuse(`Wait: the lane's ${running} is still running.`);
    if (request === 'remove') return setConfirmingRemove(true);
    if (request === 'stop-serving') return lane.served ? void serve(false) : refuse(`${lane.name} is not being served.`);
    if (lane.served) return refuse(`${lane.name} is already served at ${lane.served.url}.`);
    if (!canServe) return refuse(`grove.yaml has no serve recipe (serve.site or serve.command), so ${lane.name} cannot be served.`);
    void serve(true);
  });

  return (
    <div className="lp-actions-block">
      <div className="lp-actions" role="group" aria-label={`Actions on ${lane.name}`}>
        <button type="button" onClick={() => void rebase()} disabled={isMissing || running !== null} title="Replay the lane's commits on MAIN's head; the old head is kept in a recovery ref">
          <GitBranchPlus size={14} aria-hidden />
          {running === 'rebase' ? 'Rebasing…' : 'Rebase onto MAIN'}
        </button>
        {lane.served ? (
          <button type="button" onClick={() => void serve(false)} disabled={running !== null}>
            <GlobeLock size={14} aria-hidden />
            {running === 'serve' ? 'Stopping…' : 'Stop serving'}
          </button>
        ) : (
          canServe && (
            <button type="button" onClick={() => void serve(true)} disabled={isMissing || running !== null} title="Run grove.yaml's serve recipe for this lane">
              <Globe size={14} aria-hidden />
              {running === 'serve' ? 'Serving…' : 'Serve'}
            </button>
          )
        )}
        <button type="button" className="danger lp-remove" onClick={() => setConfirmingRemove(true)} disabled={running !== null} aria-label={`Remove lane ${lane.name}`}>
          <Trash2 size={14} aria-hidden />
          {running === 'remove' ? 'Removing…' : 'Remove'}
        </button>
      </div>
      {notice && <p className="lp-notice" role="status" data-testid="lane-notice">{notice}</p>}
      {refusal && (
        <div className="lp-error" role="alert" data-testid="lane-action-error">
          <p>{refusal}</p>
        </div>
      )}
      {failure && failure.action === 'remove' && archiveWouldKeep(failure.error) ? (
        <div className="lp-error lp-refusal" role="alert" data-testid="lane-refused">
          <p>{failure.error.message}</p>
          <div className="lp-row">
            <button type="button" onClick={() => void remove(true)} disabled={running !== null}>Archive everything, then remove</button>
            <button type="button" onClick={() => setFailure(null)}>Keep the lane</button>
          </div>
        </div>
      ) : (
        failure && (
          <div className="lp-error" role="alert" data-testid="lane-action-error">
            <p>{failure.error.message}</p>
            {filesOf(failure.error).length > 0 && <pre className="check-detail">{filesOf(failure.error).join('\n')}</pre>}
          </div>
        )
      )}
      <ConfirmDialog
        open={isConfirmingRemove}
        onOpenChange={setConfirmingRemove}
        title={`Remove lane ${lane.name}?`}
        consequence={
          <>
            Its worktree <code>{lane.path}</code> is deleted from disk{lane.served ? ', it stops being served' : ''}, and its port block is freed. Grove refuses if the lane
            holds work not in a commit, and then offers to archive it. Files git ignores (<code>.env</code>, dependencies, build output) are deleted with it; an archive
            keeps the ignored files, not whole ignored folders.
          </>
        }
        stays={
          lane.branch ? (
            <>
              The branch <code>{lane.branch}</code> and its commits, and its last commit under <code>refs/grove/recovery/{lane.name}/</code>.
            </>
          ) : (
            <>
              Its last commit, under <code>refs/grove/recovery/{lane.name}/</code>.
            </>
          )
        }
        action="Remove lane"
        onConfirm={() => void remove(false)}
        alternative={{ label: 'Archive, then remove', onSelect: () => void remove(true) }}
      />
    </div>
  );
}
