import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Lane, MergeCheck, MergeRecord } from '../../shared/lanes';
import { useHost, useHostStore } from '../connection/use-host';
import { JobLog } from './job-log';
import { jobOfLane } from './job-state';
import { shortSha } from './lane-labels';
import './lanes.css';
import { canCommitAndMerge, CHECK_LABELS, mergeOutcomeOf, type MergeOutcome } from './merge-outcome';

/**
 * Merging a lane into MAIN, in the order the host does it: the preflight first (a dry run
 * that changes nothing), then the merge with its job log live, then what came of it. The
 * dialog keeps the lane as it was when opened, so it can still report after an ephemeral
 * lane was removed by its own merge.
 */
type DialogState =
  | { kind: 'checking' }
  | { kind: 'checked'; checks: MergeCheck[] }
  | { kind: 'check-failed'; message: string }
  | { kind: 'merging' }
  | { kind: 'done'; outcome: MergeOutcome };

export function MergeDialog({ lane, onClose }: { lane: Lane; onClose: () => void }) {
  const store = useHostStore();
  const { jobs } = useHost();
  const dialog = useRef<HTMLDialogElement>(null);
  const [state, setState] = useState<DialogState>({ kind: 'checking' });
  const [commitMessage, setCommitMessage] = useState('');
  // Jobs of this lane from before the dialog opened are not this dialog's to show.
  const [earlierJobs] = useState(() => new Set(jobs.filter((j) => j.job.repoId === lane.repoId && j.job.laneName === lane.name).map((j) => j.job.id)));
  const job = jobOfLane(jobs, lane.repoId, lane.name);
  const ownJob = job && !earlierJobs.has(job.job.id) ? job : null;

  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const preflight = async (): Promise<void> => {
    setState({ kind: 'checking' });
    const r = await store.request('lanes.merge', { id: lane.id, dryRun: true });
    setState(r.ok ? { kind: 'checked', checks: r.value.checks } : { kind: 'check-failed', message: r.error.message });
  };
  // Once, when the dialog opens; "Check again" runs it later.
  useEffect(() => {
    void preflight();
  }, []);

  const merge = async (message?: string): Promise<void> => {
    setState({ kind: 'merging' });
    const r = await store.request('lanes.merge', { id: lane.id, ...(message ? { commitMessage: message } : {}) });
    setState({ kind: 'done', outcome: mergeOutcomeOf(r) });
  };
  const commitAndMerge = (e: FormEvent): void => {
    e.preventDefault();
    if (commitMessage.trim()) void merge(commitMessage.trim());
  };

  const checks = state.kind === 'checked' ? state.checks : state.kind === 'done' && state.outcome.kind === 'refused' ? state.outcome.checks : null;
  const isReady = state.kind === 'checked' && state.checks.every((c) => c.ok);
  const offersCommit = checks !== null && canCommitAndMerge(checks) && state.kind !== 'merging';
  const isBusy = state.kind === 'checking' || state.kind === 'merging';

  return (
    <dialog
      ref={dialog}
      className="merge-dialog"
      data-testid="merge-dialog"
      aria-label={`Merge ${lane.name} into MAIN`}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <h3>
        Merge <strong>{lane.name}</strong> <code>{lane.branch ?? '(no branch)'}</code> into MAIN
      </h3>
      {state.kind === 'checking' && <p className="hint" role="status">Checking whether {lane.name} can be merged…</p>}
      {state.kind === 'check-failed' && <p className="error" role="alert" data-testid="merge-error">{state.message}</p>}
      {checks && <ChecksList checks={checks} />}
      {offersCommit && (
        <form className="commit-form" onSubmit={commitAndMerge}>
          <label>
            Commit message for all of the lane’s uncommitted edits
            <textarea value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} rows={2} placeholder="What this work does" />
          </label>
          <button type="submit" disabled={commitMessage.trim() === ''}>Commit all and merge</button>
        </form>
      )}
      {ownJob && <JobLog key={ownJob.job.id} view={ownJob} />}
      {state.kind === 'done' && <MergeOutcomeView outcome={state.outcome} />}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>{state.kind === 'merging' ? 'Hide (the merge goes on)' : 'Close'}</button>
        {(state.kind === 'checked' || state.kind === 'check-failed' || (state.kind === 'done' && state.outcome.kind === 'refused')) && !isReady && (
          <button type="button" onClick={() => void preflight()} disabled={isBusy}>Check again</button>
        )}
        {isReady && (
          <button type="button" className="primary" onClick={() => void merge()}>Merge into MAIN</button>
        )}
      </div>
    </dialog>
  );
}

export function ChecksList({ checks }: { checks: MergeCheck[] }) {
  return (
    <ul className="merge-checks" aria-label="Preflight checks">
      {checks.map((c) => (
        <li key={c.name} data-testid="merge-check" data-check={c.name} className={c.ok ? 'check-ok' : 'check-fail'}>
          <span className="check-mark" aria-label={c.ok ? 'passed' : 'failed'}>{c.ok ? '✓' : '✗'}</span>
          <span className="check-name">{CHECK_LABELS[c.name]}</span>
          <span className="check-message">{c.message}</span>
          {c.detail.length > 0 && <pre className="check-detail">{c.detail.join('\n')}</pre>}
        </li>
      ))}
    </ul>
  );
}

export function MergeOutcomeView({ outcome }: { outcome: MergeOutcome }) {
  switch (outcome.kind) {
    case 'merged':
      return (
        <p className="merge-result" role="status" data-testid="merge-result">
          Merged {outcome.merge.laneName} into MAIN ({outcome.merge.strategy}): <code>{shortSha(outcome.merge.mainBefore)}</code> → <code>{shortSha(outcome.merge.mainAfter)}</code>
          {outcome.laneRemoved && '; the ephemeral lane and its merged branch were removed'}.
        </p>
      );
    case 'gate-failed':
      return <GateFailed outcome={outcome} />;
    case 'refused':
    case 'unknown':
    case 'error':
      return <p className="error" role="alert" data-testid="merge-error">{outcome.message}</p>;
  }
}

/** MAIN's gate failed after the merge went in: rolled back already, or waiting for the operator. */
function GateFailed({ outcome }: { outcome: Extract<MergeOutcome, { kind: 'gate-failed' }> }) {
  const store = useHostStore();
  const { merges } = useHost();
  const [rollbackError, setRollbackError] = useState<string | null>(null);
  const [isRollingBack, setRollingBack] = useState(false);
  // The record as it is now (the CLI or the merges list may have rolled it back since).
  const live: MergeRecord = merges?.find((m) => m.id === outcome.merge.id) ?? outcome.merge;
  const isRolledBack = outcome.isRolledBack || live.state === 'rolled-back';
  const why = outcome.message.split('\n')[0];
  const rollBack = async (): Promise<void> => {
    setRollingBack(true);
    const r = await store.request('merges.rollback', { id: live.id });
    setRollingBack(false);
    setRollbackError(r.ok ? null : r.error.message);
  };
  return (
    <div className="gate-failed" role="alert" data-testid={isRolledBack ? 'merge-rolled-back' : 'merge-awaiting-rollback'}>
      <p>
        <strong>{isRolledBack ? "MAIN's gate failed — MAIN was rolled back" : "MAIN's gate failed — MAIN still has the merge"}</strong>
        {isRolledBack ? <> to <code>{shortSha(live.mainBefore)}</code>.</> : <>: it is at <code>{shortSha(live.mainAfter)}</code> until you roll it back.</>}
      </p>
      <p className="gate-why">{why}</p>
      {outcome.output && (
        <>
          <p className="hint">The gate’s output:</p>
          <pre className="gate-output" data-testid="gate-output">{outcome.output}</pre>
        </>
      )}
      {!isRolledBack && (
        <button type="button" onClick={() => void rollBack()} disabled={isRollingBack}>Roll back MAIN now</button>
      )}
      {rollbackError && <p className="error">{rollbackError}</p>}
    </div>
  );
}
