import { z } from 'zod';
import type { CallError } from '../../shared/client/host-connection';
import { MergeCheck, MergeRecord } from '../../shared/lanes';
import type { ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';

/**
 * What a merge into MAIN came to, read from the answer of `lanes.merge`, so the dialog
 * switches on a `kind` and never digs in error details itself. The details' shapes are
 * the ones src/shared/errors.ts documents for each code; they are checked here, and an
 * answer that does not match is shown by its message alone.
 */
const GateFailureDetails = z.object({ merge: MergeRecord, output: z.string(), rolledBack: z.boolean() });
const PreflightFailureDetails = z.object({ checks: z.array(MergeCheck) });

export type MergeOutcome =
  | { kind: 'merged'; merge: MergeRecord; laneRemoved: boolean }
  /** The merge went in, MAIN's gate failed; MAIN was rolled back, or waits for the operator. */
  | { kind: 'gate-failed'; message: string; merge: MergeRecord; output: string; isRolledBack: boolean }
  /** Nothing was merged: a check failed (at preflight, or again under the lock). */
  | { kind: 'refused'; message: string; checks: MergeCheck[] }
  /** The answer never came: the merge may or may not have happened. */
  | { kind: 'unknown'; message: string }
  | { kind: 'error'; message: string };

export function mergeOutcomeOf(r: Result<ResultOf<'lanes.merge'>, CallError>): MergeOutcome {
  if (r.ok) {
    if (r.value.merge) return { kind: 'merged', merge: r.value.merge, laneRemoved: r.value.laneRemoved };
    return { kind: 'error', message: 'The host answered without a merge; see the merges list for what happened.' };
  }
  const { code, message } = r.error;
  const details = 'details' in r.error ? r.error.details : undefined;
  switch (code) {
    case 'merge_gate_failed': {
      const d = GateFailureDetails.safeParse(details);
      if (d.success) return { kind: 'gate-failed', message, merge: d.data.merge, output: d.data.output, isRolledBack: d.data.rolledBack };
      return { kind: 'error', message };
    }
    case 'merge_preflight_failed': {
      const d = PreflightFailureDetails.safeParse(details);
      return { kind: 'refused', message, checks: d.success ? d.data.checks : [] };
    }
    case 'disconnected':
      return {
        kind: 'unknown',
        message: `${message} The merge may still have run: MAIN's state and the merges list show what happened.`,
      };
    default:
      return { kind: 'error', message };
  }
}

/** Uncommitted work is the one failed check the dialog can fix itself, by committing it all. */
export function canCommitAndMerge(checks: readonly MergeCheck[]): boolean {
  return checks.some((c) => c.name === 'lane-clean' && !c.ok && c.detail.length > 0);
}

export const CHECK_LABELS: Record<MergeCheck['name'], string> = {
  'lane-clean': 'Lane committed',
  'main-clean': 'MAIN clean',
  ahead: 'Something to merge',
  conflicts: 'No conflicts',
  'fast-forward': 'Fast-forward',
  objects: 'Objects intact',
  check: "Lane's check",
};
