import { Play, Recycle, RotateCw, Square, Trash2, type LucideIcon } from 'lucide-react';
import { useRef, useState } from 'react';
import { isLiveSupervision } from '../../shared/agent-liveness';
import type { AgentInfo } from '../../shared/agents';
import { useHostStore } from '../connection/use-host';
import { useFocusTarget } from '../navigation/use-route-focus';
import { describeState } from '../terminals/agent-urgency';
import { attentionOf } from '../ui/attention';
import { ConfirmDialog, Dialog } from '../ui/dialog';
import { AttentionBadge } from '../ui/status-badge';
import { onAgentDialogRequest } from './agent-dialog-requests';
import { ConfinementMark } from './confinement-mark';
import { ContextMeter } from './context-meter';
import { LazyPart, lazyPart } from '../ui/lazy-part';
import { useViewRequest } from '../ui/use-view-request';

// The terminal stack (xterm and its addons) loads on demand: the cockpit paints without it.
const TerminalPane = lazyPart(() => import('../terminals/terminal-pane'), (m) => m.TerminalPane);

/** What a fresh conversation is told first, editable each time. */
export const DEFAULT_HANDOFF =
  'You are taking over this lane from a previous session whose context ran full. Read the recent git log, the diff against MAIN and any notes in the lane, then continue the work where it stopped.';

/** One agent on screen: its state and the signal behind it, context, actions, and its terminal. */
export function AgentView({ agent }: { agent: AgentInfo }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [handoff, setHandoff] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const attention = attentionOf(agent);
  const state = describeState(agent);
  const ref = useRef<HTMLElement>(null);
  const focusSeq = useFocusTarget({ kind: 'agent', agentId: agent.id }, ref);
  const live = isLiveSupervision(agent.supervision.kind);
  // The palette's Remove… and Recycle… open these same dialogs; what the buttons would not
  // offer right now (Remove while it runs, Recycle without a conversation) is said instead.
  const canRecycle = agent.context !== null;
  useViewRequest(onAgentDialogRequest, agent.id, (dialog) => {
    if (dialog === 'remove') {
      if (live) setError(`${agent.name} is running: stop it before removing it.`);
      else setRemoving(true);
    } else if (!canRecycle) setError(`${agent.name} has no conversation to recycle.`);
    else setHandoff(DEFAULT_HANDOFF);
  });
  const run = async (p: Promise<{ ok: true } | { ok: false; message: string }>): Promise<void> => {
    const r = await p;
    setError(r.ok ? null : r.message);
  };
  return (
    <article
      ref={ref}
      id={`agent-${agent.id}`}
      className={`agent-view attention-${attention}${focusSeq !== null ? ' route-focused' : ''}`}
      data-testid="agent-pane"
      data-agent={agent.name}
      data-focused={focusSeq !== null ? 'true' : undefined}
      aria-label={`Agent ${agent.name}`}
    >
      <header className="agent-header">
        <span className="agent-header-info">
          <strong>{agent.name}</strong>
          <span className="muted agent-preset">{agent.preset}</span>
          <AttentionBadge attention={attention} />
          <ConfinementMark agent={agent} />
          {agent.context && <ContextMeter context={agent.context} warnAt={agent.contextWarnTokens} />}
          <span className="agent-state muted" data-testid="agent-state" title={state}>
            {state}
          </span>
        </span>
        <span className="agent-actions">
          {live && <IconAction label="Stop" icon={Square} onClick={() => void run(store.act('agents.stop', { id: agent.id }))} />}
          {live && <IconAction label="Restart" icon={RotateCw} onClick={() => void run(store.act('agents.restart', { id: agent.id }))} />}
          {!live && <IconAction label={agent.canResume ? 'Resume' : 'Start again'} icon={Play} onClick={() => void run(store.act('agents.resume', { id: agent.id }))} />}
          {canRecycle && <IconAction label="Recycle" title="Stop and start a fresh conversation in this lane" icon={Recycle} onClick={() => setHandoff(DEFAULT_HANDOFF)} />}
          {!live && <IconAction label="Remove" icon={Trash2} danger onClick={() => setRemoving(true)} />}
        </span>
      </header>
      <ConfirmDialog
        open={removing}
        onOpenChange={setRemoving}
        title={`Remove ${agent.name}?`}
        consequence="Its tab and its recorded output go away."
        stays="The lane, its files and commits; a Claude conversation stays resumable from Claude itself."
        action="Remove agent"
        onConfirm={() => void run(store.act('agents.remove', { id: agent.id }))}
      />
      <Dialog open={handoff !== null} onOpenChange={(o) => !o && setHandoff(null)} title={`Recycle ${agent.name}`} description="Stops this conversation and starts a fresh one in the same lane, told this first:">
        <form
          className="recycle-form"
          aria-label={`Recycle ${agent.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            const text = (handoff ?? '').trim();
            setHandoff(null);
            void run(store.act('agents.recycle', { id: agent.id, ...(text ? { handoff: text } : {}) }));
          }}
        >
          <label>
            Handoff prompt for the fresh conversation
            <textarea value={handoff ?? ''} onChange={(e) => setHandoff(e.target.value)} rows={4} />
          </label>
          <div className="dialog-actions">
            <button type="button" onClick={() => setHandoff(null)}>Cancel</button>
            <button type="submit" className="primary">Stop and start fresh</button>
          </div>
        </form>
      </Dialog>
      {error && <p className="error" role="alert">{error}</p>}
      <LazyPart fallback={<div className="terminal-loading muted">Loading terminal…</div>}>
        <TerminalPane agent={agent} />
      </LazyPart>
    </article>
  );
}

/** An agent action as an icon, named for screen readers and on hover: the header stays one line in a split. */
function IconAction({ label, title, icon: Icon, onClick, danger }: { label: string; title?: string; icon: LucideIcon; onClick: () => void; danger?: boolean }) {
  return (
    <button className={`icon-button${danger ? ' danger' : ''}`} aria-label={label} title={title ?? label} onClick={onClick}>
      <Icon size={15} aria-hidden />
    </button>
  );
}
