import { nounFor } from '../../shared/plural';
/**
 * Whether the ops worktree may follow MAIN to its new HEAD: a pure decision over what git
 * said about the checkout, so each rule is unit-tested without a repository. The checkout
 * moves only when nothing in it would be lost: no uncommitted or untracked (non-ignored)
 * file, and a HEAD that MAIN already contains (a commit the agent made on the detached
 * HEAD would become unreachable). When it cannot follow it stays as it is, says why, and
 * alerts once per MAIN head it could not follow.
 */
export interface CheckoutReading {
  /** The checkout's HEAD; null when its directory is gone or no longer a worktree. */
  head: string | null;
  /** Uncommitted and untracked paths (ignored files do not count). */
  dirty: string[];
  /** HEAD is MAIN's HEAD or one of its ancestors: moving loses no commit. */
  headInMain: boolean;
}

export interface FollowInput {
  /** MAIN's HEAD now; null when MAIN has no commit. */
  mainHead: string | null;
  reading: CheckoutReading;
  /** The MAIN head an alert was last raised for (null: none since the checkout last followed). */
  alertedHead: string | null;
  repoName: string;
  path: string;
}

export type FollowDecision =
  /** Already at MAIN's HEAD (edits or not: it is not behind). */
  | { kind: 'current' }
  | { kind: 'move'; to: string }
  /** Left alone; `alert` is null when this head was already alerted. */
  | { kind: 'stay'; reason: string; alert: string | null; alertedHead: string | null };

export function decideFollow(input: FollowInput): FollowDecision {
  const { mainHead, reading } = input;
  if (mainHead === null || reading.head === mainHead) return { kind: 'current' };
  const reason = whyStay(reading);
  if (reason === null) return { kind: 'move', to: mainHead };
  const alert =
    input.alertedHead === mainHead
      ? null
      : `The ops checkout of ${input.repoName} (${input.path}) did not follow MAIN to ${mainHead.slice(0, 12)}: ${reason}. Grove left it as it is; clean it up and run \`grove ops start\`, or it follows at MAIN's next move once it is clean.`;
  return { kind: 'stay', reason, alert, alertedHead: mainHead };
}

function whyStay(reading: CheckoutReading): string | null {
  if (reading.head === null) return 'its directory is missing or no longer a git worktree';
  if (reading.dirty.length > 0) {
    const shown = reading.dirty.slice(0, 3).join(', ') + (reading.dirty.length > 3 ? ', …' : '');
    return `it has ${reading.dirty.length} uncommitted or untracked ${nounFor(reading.dirty.length, 'file')} (${shown})`;
  }
  if (!reading.headInMain) return `it has commits of its own (its HEAD ${reading.head.slice(0, 12)} is not in MAIN)`;
  return null;
}
