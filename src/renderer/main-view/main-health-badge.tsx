import { CircleSlash, FileWarning } from 'lucide-react';
import type { MainHealth } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import { HealthBadge } from '../ui/status-badge';
import { mainHealthView } from './main-health';
import './main-view.css';

/**
 * MAIN's health as one badge, icon and word: healthy / degraded / broken, untrusted (nothing
 * of grove.yaml runs), "no probes" (none declared: nothing to watch), or "config invalid"
 * (grove.yaml cannot be used; its last valid probes keep running). `data-testid=main-health`
 * holds the word alone.
 */
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
