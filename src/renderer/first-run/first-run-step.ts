import type { Repo } from '../../shared/repo';

/**
 * Where the first run is: adding the first repository, then its Trust step. The screen
 * stays the whole page through both, although the repository list stops being empty the
 * moment the host registers it: so the step lives here, per host store, above the part of
 * the tree that the empty list decides.
 */
export type FirstRunStep = { kind: 'add' } | { kind: 'adding' } | { kind: 'trust'; repo: Repo };

export class FirstRunProgress {
  private step: FirstRunStep = { kind: 'add' };
  private readonly listeners = new Set<() => void>();

  getSnapshot = (): FirstRunStep => this.step;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  };

  adding(): void {
    this.set({ kind: 'adding' });
  }

  added(repo: Repo): void {
    this.set({ kind: 'trust', repo });
  }

  /** The add failed, or the operator trusted the repository or chose "Not now". */
  reset(): void {
    this.set({ kind: 'add' });
  }

  private set(step: FirstRunStep): void {
    this.step = step;
    for (const listener of this.listeners) listener();
  }
}

/**
 * Whether the first-run screen is the whole page: no repository and no agent yet (agents
 * started elsewhere, e.g. from the CLI, need the cockpit), or the first repository is being
 * added, or its Trust step is open (until it is trusted or put off). Not while the lists are
 * still loading: a page with repositories must not flash the first run.
 */
export function isFirstRun(repos: readonly Repo[] | null, agentCount: number | null, step: FirstRunStep): boolean {
  if (repos === null || agentCount === null) return false;
  if (step.kind === 'adding') return true;
  if (step.kind === 'add') return repos.length === 0 && agentCount === 0;
  // Until its commands were trusted once, here or elsewhere (the CLI, another tab). Not
  // `trusted`, which a later change of grove.yaml turns false: the first run, left in its
  // Trust step when the trust came from elsewhere, would then take over the cockpit.
  const repo = repos.find((r) => r.id === step.repo.id);
  return repo === undefined || repo.trustedDigest === null;
}
