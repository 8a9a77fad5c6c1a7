import { CircleSlash, FileWarning } from 'lucide-react';
import type { MainHealth, MainHealthState } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import { HealthBadge } from '../ui/status-badge';
import './main-view.css';

/**
 * MAIN's health as one badge, icon and word: healthy / degraded / broken, untrusted (nothing
 * of grove.yaml runs), "no probes" (none declared: nothing to watch), or "config invalid"
 * (grove.yaml cannot be used; its last valid probes keep running). `data-testid=main-health`
 * holds the word alone.
 */
export type MainHealthView = { kind: 'state'; state: MainHealthState } | { kind: 'no-probes' } | { kind: 'config-invalid' };

export function mainHealthView(repo: Repo, health: MainHealth | undefined): MainHealthView {
  if (health?.configProblems?.length) return { kind: 'config-invalid' };
  if (!repo.trusted || health?.state === 'untrusted') return { kind: 'state', state: 'untrusted' };
  if (!health || health.probes.length === 0) return { kind: 'no-probes' };
  return { kind: 'state', state: health.state };
}

export function MainHealthBadge({ repo, health, compact }: { repo: Repo; health: MainHealth | undefined; compact?: boolean }) {
  const view = mainHealthView(repo, health);
  const title =
    view.kind === 'no-probes'
      ? 'No probes: declare them under health.probes in grove.yaml'
      : view.kind === 'config-invalid'
        ? 'grove.yaml is invalid; fix it (its last valid probes keep running)'
        : view.state === 'untrusted'
          ? "Nothing from grove.yaml runs until you trust its commands"
          : (health?.probes.map((p) => `${p.name}: ${p.state}`).join(', ') ?? '');
  return (
    <span className="main-health-badge" data-testid="main-health" data-health={view.kind === 'state' ? view.state : view.kind} title={title}>
      {view.kind === 'state' ? (
        <HealthBadge state={view.state} compact={compact} />
      ) : view.kind === 'no-probes' ? (
        <span className="status-badge tone-unknown">
          <CircleSlash size={14} aria-hidden />
          {compact ? <span className="visually-hidden">no probes</span> : <span>no probes</span>}
        </span>
      ) : (
        <span className="status-badge tone-broken">
          <FileWarning size={14} aria-hidden />
          {compact ? <span className="visually-hidden">config invalid</span> : <span>config invalid</span>}
        </span>
      )}
    </span>
  );
}
