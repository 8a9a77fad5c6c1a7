import { useState, type FormEvent } from 'react';
import { useHost } from '../connection/use-host';
import { JobLog } from '../lanes/job-log';
import { jobOfLane } from '../lanes/job-state';
import { ChecksList, MergeOutcomeView } from '../lanes/merge-outcome-view';
import { canCommitAndMerge } from '../lanes/merge-outcome';
import { Dialog } from '../ui/dialog';
import { checksOf, isBusy, isReadyToMerge, type MergeSession } from './merge-sessions';
import { useMergeSessions } from './use-merge-sessions';
import './lane-panel.css';

/**
 * A merge into MAIN in the order the host runs it: the preflight's checks, a commit of the
 * lane's edits when that is all that stands in the way, the merge with its job log live,
 * then its outcome, shown here and nowhere else (the gate's output once). The session lives
 * in the merge sessions, so closing or losing the panel does not lose the answer.
 */
export function MergeFlowDialog({ session }: { session: MergeSession }) {
  const { jobs } = useHost();
  const { flows } = useMergeSessions();
  const [commitMessage, setCommitMessage] = useState('');
  const { lane, step } = session;
  const job = jobOfLane(jobs, lane.repoId, lane.name);
  // The preflight's own job says what the checks list says: its log shows only while it runs.
  const ownJob = job && !session.earlierJobIds.includes(job.job.id) && (step.kind === 'checking' || step.kind === 'merging' || step.kind === 'done') ? job : null;
  const checks = checksOf(step);
  const isReady = isReadyToMerge(step);
  const offersCommit = checks !== null && canCommitAndMerge(checks);
  // The outcome says how the merge ended; a failed one shows the gate's output too, so the
  // job log then keeps to its steps, folded (one failure, one box).
  const hasGateReport = step.kind === 'done' && step.outcome.kind !== 'merged';
  const canCheckAgain = (step.kind === 'checked' || step.kind === 'check-failed' || (step.kind === 'done' && step.outcome.kind === 'refused')) && !isReady;

  const commitAndMerge = (e: FormEvent): void => {
    e.preventDefault();
    if (commitMessage.trim()) void flows.merge(lane.id, commitMessage.trim());
  };

  return (
    <Dialog
      open={session.isShown}
      onOpenChange={(open) => {
        if (!open) flows.close(lane.id);
      }}
      title={`Merge ${lane.name} into MAIN`}
      description={
        <>
          <code>{lane.branch ?? '(no branch)'}</code> into MAIN: checked first, then merged under the repository’s lock, then MAIN’s gate.
        </>
      }
      wide
    >
      <div className="merge-flow" data-testid="merge-dialog" aria-busy={isBusy(step)}>
        {step.kind === 'checking' && <p className="lp-hint" role="status">Checking whether {lane.name} can be merged…</p>}
        {step.kind === 'check-failed' && <p className="lp-error" role="alert" data-testid="merge-error">{step.message}</p>}
        {checks && <ChecksList checks={checks} />}
        {offersCommit && step.kind !== 'merging' && (
          <form className="lp-commit-form" onSubmit={commitAndMerge}>
            <label>
              Commit message for all of the lane’s uncommitted edits
              <textarea value={commitMessage} onChange={(e) => setCommitMessage(e.target.value)} rows={2} placeholder="What this work does" />
            </label>
            <button type="submit" className="primary" disabled={commitMessage.trim() === ''}>Commit all and merge</button>
          </form>
        )}
        {ownJob && <JobLog key={`${ownJob.job.id}:${hasGateReport}`} view={ownJob} isOutcomeElsewhere={step.kind === 'done'} startsFolded={hasGateReport} />}
        {step.kind === 'done' && <MergeOutcomeView outcome={step.outcome} />}
        <div className="dialog-actions">
          <button type="button" onClick={() => flows.close(lane.id)}>{step.kind === 'merging' ? 'Hide (the merge goes on)' : 'Close'}</button>
          {canCheckAgain && (
            <button type="button" onClick={() => void flows.preflight(lane.id)}>Check again</button>
          )}
          {isReady && (
            <button type="button" className="primary" onClick={() => void flows.merge(lane.id)}>Merge into MAIN</button>
          )}
        </div>
      </div>
    </Dialog>
  );
}

/**
 * The merges whose lane has no panel on screen: an ephemeral lane its merge removed, or a
 * lane the operator left while its merge ran. Mount once, anywhere in the frame.
 */
export function MergeFlows() {
  const { sessions, panels } = useMergeSessions();
  return (
    <>
      {Object.values(sessions)
        .filter((s) => !panels[s.lane.id])
        .map((s) => (
          <MergeFlowDialog key={s.id} session={s} />
        ))}
    </>
  );
}
