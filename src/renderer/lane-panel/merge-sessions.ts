import type { CallError } from '../../shared/client/host-connection';
import type { Lane, MergeCheck } from '../../shared/lanes';
import type { ParamsOf, ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';
import { mergeOutcomeOf, type MergeOutcome } from '../lanes/merge-outcome';

/**
 * Merges into MAIN as the operator runs them from a lane's panel: the preflight (a dry run),
 * the merge, and what came of it. Held here, outside any component, because the answer of
 * an ephemeral lane's merge arrives after the host removed the lane: the panel showing it
 * is gone by then, and the outcome must still be shown (by `MergeFlows`). A session keeps
 * the lane as it was when opened for the same reason.
 *
 * What it does not own: the job log (the host store's jobs) and the merge records.
 */
export type MergeStep =
  | { kind: 'checking' }
  | { kind: 'checked'; checks: MergeCheck[] }
  | { kind: 'check-failed'; message: string }
  | { kind: 'merging' }
  | { kind: 'done'; outcome: MergeOutcome };

export interface MergeSession {
  /** Tells a session from the one that replaced it, so a late answer does not land in the new one. */
  id: number;
  lane: Lane;
  step: MergeStep;
  /** The dialog is showing; a merge hidden while it runs keeps going. */
  isShown: boolean;
  /** Jobs of the lane from before the session began: not this merge's to show. */
  earlierJobIds: readonly string[];
}

export type MergeRequest = (params: ParamsOf<'lanes.merge'>) => Promise<Result<ResultOf<'lanes.merge'>, CallError>>;

export type MergeSessionsSnapshot = Readonly<Record<string, MergeSession>>;

export class MergeSessions {
  private sessions: MergeSessionsSnapshot = {};
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  /** Lanes whose panel is on screen, with how many: their sessions show there, the rest in `MergeFlows`. */
  private panels: Readonly<Record<string, number>> = {};

  constructor(private readonly requestMerge: MergeRequest) {}

  getSnapshot = (): MergeSessionsSnapshot => this.sessions;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Which lanes have a panel on screen (a new object when it changes). */
  getPanels = (): Readonly<Record<string, number>> => this.panels;

  /** A lane's panel is on screen until the returned function is called. */
  attachPanel(laneId: string): () => void {
    this.panels = { ...this.panels, [laneId]: (this.panels[laneId] ?? 0) + 1 };
    this.emit();
    return () => {
      const n = (this.panels[laneId] ?? 1) - 1;
      const { [laneId]: _gone, ...rest } = this.panels;
      this.panels = n > 0 ? { ...rest, [laneId]: n } : rest;
      this.emit();
    };
  }

  /** Opens the lane's merge and runs its preflight; a merge still running is shown again instead. */
  open(lane: Lane, earlierJobIds: readonly string[]): void {
    const current = this.sessions[lane.id];
    if (current && isBusy(current.step)) {
      this.put({ ...current, isShown: true });
      return;
    }
    this.put({ id: this.nextId++, lane, step: { kind: 'checking' }, isShown: true, earlierJobIds });
    void this.preflight(lane.id);
  }

  /** Shows a hidden session again (a merge that ran on, or its outcome). */
  show(laneId: string): void {
    const s = this.sessions[laneId];
    if (s) this.put({ ...s, isShown: true });
  }

  /** The dialog closes: a running merge goes on hidden, anything else is forgotten. */
  close(laneId: string): void {
    const s = this.sessions[laneId];
    if (!s) return;
    if (s.step.kind === 'merging') this.put({ ...s, isShown: false });
    else this.drop(laneId);
  }

  async preflight(laneId: string): Promise<void> {
    const s = this.sessions[laneId];
    if (!s || s.step.kind === 'merging') return;
    this.put({ ...s, step: { kind: 'checking' } });
    const r = await this.requestMerge({ id: laneId, dryRun: true });
    this.settle(laneId, s.id, 'checking', r.ok ? { kind: 'checked', checks: r.value.checks } : { kind: 'check-failed', message: r.error.message });
  }

  /** Merges; `commitMessage` first commits all of the lane's uncommitted edits. */
  async merge(laneId: string, commitMessage?: string): Promise<void> {
    const s = this.sessions[laneId];
    if (!s || isBusy(s.step)) return;
    this.put({ ...s, step: { kind: 'merging' } });
    const r = await this.requestMerge({ id: laneId, ...(commitMessage ? { commitMessage } : {}) });
    const outcome = mergeOutcomeOf(r);
    // A merge hidden while it ran shows its outcome once it has one that needs reading.
    this.settle(laneId, s.id, 'merging', { kind: 'done', outcome }, outcome.kind !== 'merged');
  }

  private settle(laneId: string, sessionId: number, from: MergeStep['kind'], step: MergeStep, show = false): void {
    const s = this.sessions[laneId];
    if (!s || s.id !== sessionId || s.step.kind !== from) return;
    this.put({ ...s, step, isShown: s.isShown || show });
  }

  private put(s: MergeSession): void {
    this.sessions = { ...this.sessions, [s.lane.id]: s };
    this.emit();
  }

  private drop(laneId: string): void {
    const { [laneId]: _gone, ...rest } = this.sessions;
    this.sessions = rest;
    this.emit();
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

export function isBusy(step: MergeStep): boolean {
  return step.kind === 'checking' || step.kind === 'merging';
}

/** The checks to show: the preflight's, or the ones a refused merge ran again under the lock. */
export function checksOf(step: MergeStep): MergeCheck[] | null {
  if (step.kind === 'checked') return step.checks;
  if (step.kind === 'done' && step.outcome.kind === 'refused') return step.outcome.checks;
  return null;
}

/** Every check passed: the merge may go. */
export function isReadyToMerge(step: MergeStep): boolean {
  return step.kind === 'checked' && step.checks.every((c) => c.ok);
}

/** One line for the panel about a session whose dialog is hidden. */
export function describeHiddenSession(step: MergeStep): string | null {
  if (step.kind === 'merging') return 'Merging into MAIN…';
  if (step.kind !== 'done') return null;
  switch (step.outcome.kind) {
    case 'merged':
      return 'Merged into MAIN.';
    case 'gate-failed':
      return step.outcome.isRolledBack ? "MAIN's gate failed; MAIN was rolled back." : "MAIN's gate failed; MAIN still has the merge.";
    case 'refused':
      return 'The merge was refused.';
    case 'unknown':
    case 'error':
      return 'The merge did not go through.';
  }
}
