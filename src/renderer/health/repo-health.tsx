import type { MainHealth } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import { useHost } from '../connection/use-host';
import { IncidentLog } from './incident-log';
import { OpsLoopCard } from './ops-loop-card';
import { UptimeBar } from './uptime-bar';
import { useHealthTimeline } from './use-health-timeline';

/**
 * A repository's MAIN over time: the uptime bar, the incident log and the ops loop that
 * watches it. Without probes (and no past incidents) there is no history to draw; MAIN's
 * badge already says where to declare them.
 */
export function RepoHealth({ repo, hasOpsConfig }: { repo: Repo; hasOpsConfig: boolean }) {
  const { health, incidents, opsLoops, agents } = useHost();
  const loop = opsLoops[repo.id];
  const agent = loop?.agentId ? (agents ?? []).find((a) => a.id === loop.agentId) : undefined;
  const hasHistory = (health[repo.id]?.probes.length ?? 0) > 0 || (incidents ?? []).some((i) => i.repoId === repo.id);
  return (
    <div className="repo-health" data-testid="repo-health">
      {hasHistory && <RepoUptime repoId={repo.id} health={health[repo.id]} />}
      {hasHistory && <IncidentLog repoId={repo.id} incidents={incidents} />}
      <OpsLoopCard repo={repo} loop={loop} agent={agent} hasOpsConfig={hasOpsConfig} />
    </div>
  );
}

function RepoUptime({ repoId, health }: { repoId: string; health: MainHealth | undefined }) {
  const { timeline, error } = useHealthTimeline(repoId, health);
  return <UptimeBar timeline={timeline} error={error} />;
}
