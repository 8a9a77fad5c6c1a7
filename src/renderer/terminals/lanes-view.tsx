import { useEffect, useState } from 'react';
import type { AgentInfo } from '../../shared/agents';
import { useHost } from '../connection/use-host';
import { useRouteFocus } from '../navigation/use-route-focus';
import { AgentPane } from './agent-pane';
import { mostUrgent } from './agent-urgency';
import { LaunchDialog } from './launch-dialog';

/**
 * One tab per lane, each with a pane per agent. Only the selected lane's terminals are
 * mounted; the others cost nothing but their badge. A lane with an agent waiting for the
 * operator says so on its tab, whichever tab is open. A route to an agent (`#/agent/<id>`)
 * opens its lane's tab; the agent's pane scrolls itself into view.
 */
function basename(p: string): string {
  return p.split('/').filter(Boolean).pop() ?? p;
}

export function LanesView() {
  const { agents, repos } = useHost();
  const [selected, setSelected] = useState<string | null>(null);
  const [launching, setLaunching] = useState(false);
  const focus = useRouteFocus();
  const routedAgentId = focus?.target.kind === 'agent' ? focus.target.agentId : null;
  // Known once agents are loaded: a route followed on page load waits for them.
  const routedLane = routedAgentId ? ((agents ?? []).find((a) => a.id === routedAgentId)?.lanePath ?? null) : null;
  useEffect(() => {
    if (routedLane) setSelected(routedLane);
  }, [focus?.seq, routedLane]);
  const byLane = new Map<string, AgentInfo[]>();
  for (const a of agents ?? []) byLane.set(a.lanePath, [...(byLane.get(a.lanePath) ?? []), a]);
  const lanes = [...byLane.keys()].sort();
  const current = selected && byLane.has(selected) ? selected : (lanes[0] ?? null);
  const mainPaths = new Set((repos ?? []).map((r) => r.mainPath));

  return (
    <section className="panel lanes" aria-label="Lanes">
      <div className="lane-tabs" role="tablist">
        {lanes.map((lane) => {
          const list = byLane.get(lane)!;
          const urgency = mostUrgent(list);
          return (
            <button
              key={lane}
              role="tab"
              aria-selected={lane === current}
              className={`lane-tab urgency-${urgency}`}
              data-testid="lane-tab"
              title={lane}
              onClick={() => setSelected(lane)}
            >
              <span className="lane-name">{basename(lane)}</span>
              <span className="lane-kind">{mainPaths.has(lane) ? 'MAIN · ops' : list.some((a) => a.isOpsLoop) ? 'ops loop' : 'lane'}</span>
              <span className="lane-count">{list.length} agent{list.length === 1 ? '' : 's'}</span>
              {urgency === 'waiting' && <span className="badge badge-wait" data-testid="lane-needs-you">needs you</span>}
              {urgency === 'failed' && <span className="badge badge-bad">failed</span>}
            </button>
          );
        })}
        <button className="lane-tab new-agent" onClick={() => setLaunching(true)} data-testid="launch-agent">
          + Agent
        </button>
      </div>
      {launching && <LaunchDialog defaultLane={current ?? ''} onClose={() => setLaunching(false)} />}
      {current === null ? (
        <div className="empty" data-testid="lanes-empty">
          <p><strong>No agents yet.</strong> Launch one in a lane (a worktree beside MAIN): <strong>+ Agent</strong> above, or
            <code> grove agent start --lane PATH --preset claude</code>.</p>
        </div>
      ) : (
        <div className="lane-panes" role="tabpanel">
          {byLane.get(current)!.map((a) => (
            <AgentPane key={a.id} agent={a} />
          ))}
        </div>
      )}
    </section>
  );
}
