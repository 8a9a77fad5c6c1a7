import type { MergeCheck, MergeRecord } from '../../shared/lanes';
import { useHost } from '../connection/use-host';
import { shortSha } from './lane-labels';
import './lanes.css';
import { CHECK_LABELS, type MergeOutcome } from './merge-outcome';
import { RollBackButton } from './roll-back-button';

/**
 * A merge's preflight checks and its outcome as the merge dialog shows them: what passed and
 * failed, and what came of the merge (merged; MAIN's gate failed and MAIN was rolled back,
 * or waits for "Roll back MAIN now"; refused; unknown). The flow itself is
 * src/renderer/lane-panel/merge-flow-dialog.tsx.
 */
export function ChecksList({ checks }: { checks: MergeCheck[] }) {
  return (
    <ul className="merge-checks" aria-label="Preflight checks">
      {checks.map((c) => (
        <li key={c.name} data-testid="merge-check" data-check={c.name} className={c.ok ? 'check-ok' : 'check-fail'}>
          <span className="check-mark" aria-hidden>{c.ok ? '✓' : '✗'}</span>
          <span className="visually-hidden">{c.ok ? 'passed:' : 'failed:'}</span>
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
  const { merges } = useHost();
  // The record as it is now (the CLI or the merges list may have rolled it back since).
  const live: MergeRecord = merges?.find((m) => m.id === outcome.merge.id) ?? outcome.merge;
  const isRolledBack = outcome.isRolledBack || live.state === 'rolled-back';
  const why = outcome.message.split('\n')[0];

  return (
    <div className="gate-failed" role="alert" data-testid={isRolledBack ? 'merge-rolled-back' : 'merge-awaiting-rollback'}>
      <p>
        <strong>{isRolledBack ? "MAIN's gate failed — MAIN was rolled back" : "MAIN's gate failed — MAIN still has the merge"}</strong>
        {isRolledBack ? <> to <code>{shortSha(live.mainBefore)}</code>.</> : <>: it is at <code>{shortSha(live.mainAfter)}</code> until you roll it back.</>}
      </p>
      <p className="gate-why">{why}</p>
      {isRolledBack && (
        <p className="hint" data-testid="rolled-back-kept">
          The merged work is kept in git under <code>refs/grove/rolled-back/</code> (<code>git for-each-ref refs/grove/rolled-back/</code> lists them).
        </p>
      )}
      {outcome.output && (
        <>
          <p className="hint">The gate’s output:</p>
          <pre className="gate-output" data-testid="gate-output">{outcome.output}</pre>
        </>
      )}
      {!isRolledBack && (
        <RollBackButton merge={live}>Roll back MAIN now</RollBackButton>
      )}
    </div>
  );
}
