import { apiError } from '../../shared/errors';
import type { MainHealth } from '../../shared/health';
import { err, ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { RepoStore } from '../repos/repo-store';
import type { HealthHistory } from './health-history';
import type { IncidentStore } from './incident-store';

/**
 * MAIN's health over the API: now (health.get), over time (health.history: the timeline
 * an uptime bar draws, and the latest probe runs), and its incidents.
 */
export interface HealthHandlersDeps {
  repos: RepoStore;
  health: (repoId: string) => MainHealth | null;
  history: HealthHistory;
  incidents: IncidentStore;
  now?: () => Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const DEFAULT_RUNS = 50;
const DEFAULT_INCIDENTS = 100;

export function healthHandlers(deps: HealthHandlersDeps): Pick<Handlers, 'health.get' | 'health.history' | 'incidents.list' | 'incidents.get'> {
  const now = deps.now ?? (() => new Date());
  const unknownRepo = (repoId: string) => err(apiError('repo_unknown', `No repository with id ${repoId}; repos.list shows the registered ones.`, { repoId }));
  return {
    'health.get': ({ repoId }) =>
      ok({
        repos: deps.repos
          .list()
          .filter((r) => !repoId || r.id === repoId)
          .map((r) => ({ repoId: r.id, health: deps.health(r.id) ?? { state: 'unknown' as const, probes: [] } })),
      }),
    'health.history': ({ repoId, from, to, runs }) => {
      if (!deps.repos.get(repoId)) return unknownRepo(repoId);
      const end = to ? new Date(to) : now();
      const start = from ? new Date(from) : new Date(end.getTime() - DAY_MS);
      if (start.getTime() >= end.getTime()) {
        return err(apiError('invalid_request', `params.from (${start.toISOString()}) must be before params.to (${end.toISOString()}).`, { from: start.toISOString(), to: end.toISOString() }));
      }
      return ok({ timeline: deps.history.timeline(repoId, start, end, runs ?? DEFAULT_RUNS) });
    },
    'incidents.list': ({ repoId, limit }) => {
      if (repoId && !deps.repos.get(repoId)) return unknownRepo(repoId);
      return ok({ incidents: deps.incidents.list(repoId, limit ?? DEFAULT_INCIDENTS) });
    },
    'incidents.get': ({ id }) => {
      const incident = deps.incidents.get(id);
      return incident ? ok({ incident }) : err(apiError('incident_unknown', `No incident with id ${id}; incidents.list shows those kept (the oldest closed ones are dropped).`, { id }));
    },
  };
}
