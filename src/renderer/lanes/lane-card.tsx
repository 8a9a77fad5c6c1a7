import { memo, useRef, useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import type { Lane } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { useFocusTarget } from '../navigation/use-route-focus';
import { filesOf, wouldLoseWork } from './error-details';
import { JobLog } from './job-log';
import type { JobView } from './job-state';
import { LaneDiffView } from './lane-diff-view';
import { describeSetup, describeStatus, portRange, shortSha } from './lane-labels';

/**
 * One lane: what it is (branch, kind, status, ports, key-less, setup, where it is served),
 * what it is doing (its running or last job, live), and what the operator can do with it.
 * A removal that would lose work is refused with the list, and offers the archive.
 */
type Action = 'rebase' | 'serve' | 'remove';

export interface LaneCardProps {
  lane: Lane;
  /** The lane's running or last job. */
  job: JobView | null;
  /** MAIN's head: the diff is read again when it moves. */
  mainHead: string | null;
  /** grove.yaml has a serve recipe (or it could not be read, and the host will say). */
  canServe: boolean;
  onMerge: (lane: Lane) => void;
}

/** Memoized: a burst of one lane's job output re-renders that lane's card, not its neighbours. */
export const LaneCard = memo(function LaneCard({ lane, job, mainHead, canServe, onMerge }: LaneCardProps) {
  const store = useHostStore();
  const [isDiffOpen, setDiffOpen] = useState(false);
  const [running, setRunning] = useState<Action | null>(null);
  const [failure, setFailure] = useState<{ action: Action; error: CallError } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const ref = useRef<HTMLLIElement>(null);
  const focusSeq = useFocusTarget({ kind: 'lane', repoId: lane.repoId, laneId: lane.id }, ref);

  const status = describeStatus(lane);
  const setup = describeSetup(lane.setup);
  const ports = portRange(lane.port);
  const isMissing = lane.status === 'missing';

  const run = async (action: Action, call: () => Promise<{ ok: true; message: string | null } | { ok: false; error: CallError }>): Promise<void> => {
    setRunning(action);
    setNotice(null);
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

  return (
    <li
      ref={ref}
      id={`lane-${lane.id}`}
      className={`lane-card status-${lane.status}${focusSeq !== null ? ' route-focused' : ''}`}
      data-testid="lane-row"
      data-focused={focusSeq !== null ? 'true' : undefined}
      aria-label={`Lane ${lane.name}`}
    >
      <div className="lane-head">
        <span className="lane-name">{lane.name}</span>
        <code className="lane-branch">{lane.branch ?? '(detached)'}</code>
        <span className="tag" title={lane.kind === 'ephemeral' ? 'Removed with its branch once merged into MAIN' : 'Kept after merges'}>{lane.kind}</span>
        <span className={`tag tag-${status.tone}`} data-testid="lane-status" title={status.why ?? undefined}>{status.text}</span>
        {ports && <code className="lane-ports" title="GROVE_PORT to GROVE_PORT+9, for this lane's servers" data-testid="lane-ports">{ports}</code>}
        {lane.keyless && <span className="tag tag-pending" title="Copied dotenv files lost their keys, and agents here do not get them">key-less</span>}
        {setup && (
          <span className={`tag tag-${setup.tone}`} data-testid="lane-setup" title={setup.why}>
            {setup.text}
          </span>
        )}
        {lane.served && (
          <a className="lane-url" href={lane.served.url} target="_blank" rel="noopener" data-testid="lane-url">
            {lane.served.url}
          </a>
        )}
      </div>
      {status.why && <p className="lane-why">{status.why}</p>}
      <div className="lane-actions">
        <button type="button" aria-pressed={isDiffOpen} onClick={() => setDiffOpen(!isDiffOpen)} disabled={isMissing}>Diff</button>
        <button type="button" onClick={() => void rebase()} disabled={isMissing || running !== null}>
          {running === 'rebase' ? 'Rebasing…' : 'Rebase onto MAIN'}
        </button>
        <button type="button" onClick={() => onMerge(lane)} disabled={isMissing}>Merge into MAIN</button>
        {lane.served ? (
          <button type="button" onClick={() => void serve(false)} disabled={running !== null}>Stop serving</button>
        ) : (
          canServe && <button type="button" onClick={() => void serve(true)} disabled={isMissing || running !== null}>Serve</button>
        )}
        <button type="button" className="danger" onClick={() => void remove(false)} disabled={running !== null} aria-label={`Remove lane ${lane.name}`}>
          Remove
        </button>
      </div>
      {notice && <p className="notice" role="status" data-testid="lane-notice">{notice}</p>}
      {failure && failure.action === 'remove' && wouldLoseWork(failure.error) ? (
        <div className="error refusal" role="alert" data-testid="lane-refused">
          <p>{failure.error.message}</p>
          <button type="button" onClick={() => void remove(true)} disabled={running !== null}>Archive everything, then remove</button>{' '}
          <button type="button" onClick={() => setFailure(null)}>Keep the lane</button>
        </div>
      ) : (
        failure && (
          <div className="error" role="alert" data-testid="lane-action-error">
            <p>{failure.error.message}</p>
            {filesOf(failure.error).length > 0 && <pre className="check-detail">{filesOf(failure.error).join('\n')}</pre>}
          </div>
        )
      )}
      {job && <JobLog key={job.job.id} view={job} />}
      {isDiffOpen && <LaneDiffView lane={lane} mainHead={mainHead} onClose={() => setDiffOpen(false)} />}
    </li>
  );
});

/** A worktree made outside Grove: shown so it is not forgotten, and adoptable as a lane. */
export function AdoptableRow({ lane }: { lane: Lane }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const adopt = async (): Promise<void> => {
    setBusy(true);
    const r = await store.request('lanes.adopt', { repoId: lane.repoId, path: lane.path });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
  };
  return (
    <li className="lane-card lane-adoptable" data-testid="lane-row" aria-label={`Worktree ${lane.name}`}>
      <div className="lane-head">
        <span className="lane-name">{lane.name}</span>
        <code className="lane-branch">{lane.branch ?? '(detached)'}</code>
        <span className="tag">made outside Grove</span>
        <code className="muted lane-path">{lane.path}</code>
        <button type="button" onClick={() => void adopt()} disabled={isBusy} title="Take this worktree under Grove's care: it gets a port block; no setup is run">
          Adopt
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
    </li>
  );
}
