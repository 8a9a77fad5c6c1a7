import type { MainHealth, MainHealthState } from '../../shared/health';
import type { Repo } from '../../shared/repo';

/**
 * What MAIN's health badge says, decided apart from drawing it: grove.yaml unusable comes
 * first (its last valid probes keep running, but what they watch is not what the file
 * says), then untrusted (nothing runs), then "no probes" (nothing to watch), then the
 * probes' verdict.
 */
export type MainHealthView = { kind: 'state'; state: MainHealthState } | { kind: 'no-probes' } | { kind: 'config-invalid' };

export function mainHealthView(repo: Repo, health: MainHealth | undefined): MainHealthView {
  if (health?.configProblems?.length) return { kind: 'config-invalid' };
  if (!repo.trusted || health?.state === 'untrusted') return { kind: 'state', state: 'untrusted' };
  if (!health || health.probes.length === 0) return { kind: 'no-probes' };
  return { kind: 'state', state: health.state };
}

