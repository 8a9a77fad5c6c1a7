import type { AgentInfo } from '../../shared/agents';
import type { Lane } from '../../shared/lanes';
import type { UiRoute } from '../../shared/ui-route';
import type { CockpitView } from './cockpit-layout';
import type { RailModel } from './rail-model';

/**
 * Where a route (a notification's click, the tray, a link) takes the cockpit: a repository
 * or an incident opens MAIN's view; a lane or an agent opens the lane's workspace, an agent
 * with its tab in front; `#/briefs` and `#/brief/<number>` open the Briefs route, `#/settings[/sync]` the settings. Null while the target is not known yet (agents and lanes load
 * after the route on a fresh page): the caller tries again when they arrive.
 */
export function viewForRoute(target: UiRoute, lanes: readonly Lane[] | null, agents: readonly AgentInfo[] | null): { view: CockpitView; agentId?: string } | null {
  switch (target.kind) {
    case 'repo':
    case 'incident':
      return { view: { kind: 'main', repoId: target.repoId } };
    case 'lane': {
      const lane = lanes?.find((l) => l.id === target.laneId);
      return lane ? { view: { kind: 'workspace', path: lane.path } } : null;
    }
    case 'briefs':
      return { view: { kind: 'briefs' } };
    case 'brief':
      return { view: { kind: 'briefs', brief: target.number } };
    case 'settings':
      return { view: { kind: 'settings' } };
    case 'agent': {
      const agent = agents?.find((a) => a.id === target.agentId);
      return agent ? { view: { kind: 'workspace', path: agent.lanePath }, agentId: agent.id } : null;
    }
  }
}

/**
 * The view to show when none is chosen, or the chosen one is gone (a removed lane): the
 * workspace whose agents need the operator, else the first with agents, else the first
 * repository's MAIN.
 */
export function fallbackView(model: RailModel): CockpitView | null {
  const waiting = model.ordered.find((w) => w.needsYou > 0);
  if (waiting) return { kind: 'workspace', path: waiting.path };
  const busy = model.ordered.find((w) => w.agents.length > 0);
  if (busy) return { kind: 'workspace', path: busy.path };
  const first = model.repos[0];
  return first ? { kind: 'main', repoId: first.repo.id } : null;
}

/** Whether a chosen view still names something that exists. */
export function viewExists(view: CockpitView, model: RailModel): boolean {
  switch (view.kind) {
    case 'workspace':
      return model.ordered.some((w) => w.path === view.path);
    case 'main':
      return model.repos.some((r) => r.repo.id === view.repoId);
    default:
      return true;
  }
}
