import * as Tabs from '@radix-ui/react-tabs';
import { Columns2, OctagonX, PanelRight, Plus, Rows2, SquareX } from 'lucide-react';
import { useState } from 'react';
import { isLiveSupervision } from '../../shared/agent-liveness';
import type { PresetId } from '../../shared/agents';
import { onScreen, splitFor, type Workspace } from '../cockpit/rail-model';
import { workspaceLayout, withWorkspace, type SplitOrientation } from '../cockpit/cockpit-layout';
import { useLayout, useLayoutStore } from '../cockpit/use-layout';
import { useHostStore } from '../connection/use-host';
import { attentionOf } from '../ui/attention';
import { count } from '../../shared/plural';
import { ConfirmDialog } from '../ui/dialog';
import { AttentionBadge } from '../ui/status-badge';
import { useViewRequest } from '../ui/use-view-request';
import { AgentView } from './agent-view';
import { onStopAllRequest } from './stop-all-requests';
import { ConfinementMark } from './confinement-mark';
import './workspace.css';

const QUICK: { preset: PresetId; label: string }[] = [
  { preset: 'claude', label: 'Claude' },
  { preset: 'codex', label: 'Codex' },
  { preset: 'shell', label: 'Shell' },
];

/**
 * A lane's workspace: its agents as tabs, the one in front filling the height, optionally a
 * second beside or below it, and quick launch on the lane itself (no path to type). Only
 * the terminals on screen are mounted; the others cost nothing but their tab.
 */
export function LaneWorkspace({
  workspace,
  hasPanel,
  isPanelOpen,
  onTogglePanel,
  onLaunch,
  launchError,
}: {
  workspace: Workspace;
  hasPanel: boolean;
  isPanelOpen: boolean;
  onTogglePanel: () => void;
  /** Launches in this lane: a preset at once, or the dialog for a custom command. */
  onLaunch: (preset: PresetId | 'custom-dialog') => void;
  launchError: string | null;
}) {
  const store = useHostStore();
  const layoutStore = useLayoutStore();
  const layout = useLayout();
  const [error, setError] = useState<string | null>(null);
  const [stoppingAll, setStoppingAll] = useState(false);
  const { agents, path } = workspace;
  const saved = workspaceLayout(layout, path);
  const { active, second } = onScreen(workspace, saved);
  const setActive = (id: string): void => layoutStore.update((l) => withWorkspace(l, path, { active: id }));
  const setSplit = (orientation: SplitOrientation | null): void => layoutStore.update((l) => withWorkspace(l, path, { split: splitFor(workspace, workspaceLayout(l, path), orientation) }));
  const live = agents.filter((a) => isLiveSupervision(a.supervision.kind));
  // The palette's "Stop every agent in X…" asks here, as the button does.
  useViewRequest(onStopAllRequest, path, () => (live.length > 0 ? setStoppingAll(true) : setError(`No agent is running in ${workspace.name}.`)));
  const stopAll = async (): Promise<void> => {
    const results = await Promise.all(live.map((a) => store.act('agents.stop', { id: a.id })));
    const failed = results.flatMap((r) => (r.ok ? [] : [r.message]));
    setError(failed.length > 0 ? failed.join('\n') : null);
  };

  return (
    <section className="workspace" aria-label={`Workspace ${workspace.name}`} data-testid="workspace" data-path={path}>
      <header className="workspace-header">
        <div className="workspace-title">
          <h2>{workspace.name}</h2>
          <span className="muted">
            {workspace.kind === 'lane' ? (workspace.lane?.branch ?? 'detached') : workspace.kind === 'ops' ? 'ops loop' : workspace.kind === 'main' ? 'MAIN checkout' : path}
            {' · '}
            {count(agents.length, 'agent')}
          </span>
        </div>
        <div className="quick-launch" role="group" aria-label="Launch an agent here">
          {QUICK.map((q) => (
            <button key={q.preset} onClick={() => onLaunch(q.preset)} data-testid={`launch-${q.preset}`}>
              <Plus size={14} aria-hidden /> {q.label}
            </button>
          ))}
          <button onClick={() => onLaunch('custom-dialog')} data-testid="launch-custom">
            <Plus size={14} aria-hidden /> Custom…
          </button>
        </div>
        <div className="workspace-tools">
          <button className="icon-button" aria-label="Split side by side" aria-pressed={saved.split?.orientation === 'side-by-side' && second !== null} disabled={agents.length < 2} onClick={() => setSplit(saved.split?.orientation === 'side-by-side' ? null : 'side-by-side')} title="Split side by side">
            <Columns2 size={16} aria-hidden />
          </button>
          <button className="icon-button" aria-label="Split stacked" aria-pressed={saved.split?.orientation === 'stacked' && second !== null} disabled={agents.length < 2} onClick={() => setSplit(saved.split?.orientation === 'stacked' ? null : 'stacked')} title="Split stacked">
            <Rows2 size={16} aria-hidden />
          </button>
          <button className="icon-button" aria-label="Stop all agents in this lane" title="Stop all agents in this lane" disabled={live.length === 0} onClick={() => setStoppingAll(true)}>
            <OctagonX size={16} aria-hidden />
          </button>
          {hasPanel && (
            <button className="icon-button" aria-label="Lane panel" aria-pressed={isPanelOpen} onClick={onTogglePanel} title="Lane panel: changes, setup, merge">
              <PanelRight size={16} aria-hidden />
            </button>
          )}
        </div>
      </header>
      {(error ?? launchError) && (
        <p className="error" role="alert" data-testid="launch-error">
          {error ?? launchError}
        </p>
      )}
      <ConfirmDialog
        open={stoppingAll}
        onOpenChange={setStoppingAll}
        title={`Stop ${count(live.length, 'agent')} in ${workspace.name}?`}
        consequence="Each gets SIGTERM, then SIGKILL after its grace period; none is restarted."
        stays="Their tabs and output, the lane and its files; Resume or Start again brings each back."
        action="Stop all"
        onConfirm={() => void stopAll()}
      />
      {active === null ? (
        <div className="workspace-empty" data-testid="lanes-empty">
          <p><strong>No agents in this lane yet.</strong></p>
          <p>Launch one with the buttons above, or from a terminal: <code>grove agent start --lane {path} --preset claude</code>.</p>
        </div>
      ) : (
        <Tabs.Root value={active.id} onValueChange={setActive} className="agent-tabs-root" activationMode="manual">
          <Tabs.List className="agent-tabs" aria-label="Agents">
            {agents.map((a) => (
              <Tabs.Trigger key={a.id} value={a.id} className="agent-tab" data-testid="agent-tab" data-agent={a.name}>
                <AttentionBadge attention={attentionOf(a)} compact detail={a.activity.signal ? `by ${a.activity.signal}` : undefined} />
                <span className="agent-tab-name">{a.name}</span>
                <ConfinementMark agent={a} compact quiet />
                {a.id === second?.id && <span className="muted" aria-label="shown in the split">◫</span>}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          <div className={`agent-area${second ? ` split-${saved.split!.orientation}` : ''}`}>
            <Tabs.Content value={active.id} className="agent-slot">
              <AgentView key={active.id} agent={active} />
            </Tabs.Content>
            {second && (
              <div className="agent-slot" role="region" aria-label={`Split: ${second.name}`}>
                <button className="icon-button split-close" aria-label="Close the split" onClick={() => setSplit(null)}>
                  <SquareX size={14} aria-hidden />
                </button>
                <AgentView key={second.id} agent={second} />
              </div>
            )}
          </div>
        </Tabs.Root>
      )}
    </section>
  );
}
