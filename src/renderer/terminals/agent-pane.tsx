import { useRef, useState } from 'react';
import { isLiveSupervision, type AgentInfo } from '../../shared/agents';
import { useHostStore } from '../connection/use-host';
import { useFocusTarget } from '../navigation/use-route-focus';
import { describeState, urgencyOf } from './agent-urgency';
import { ContextMeter } from './context-meter';
import { TerminalPane } from './terminal-pane';

/** An agent's header (name, state and the signal behind it, context, actions) and terminal. */
/** What a fresh conversation is told first, editable each time. */
export const DEFAULT_HANDOFF =
  'You are taking over this lane from a previous session whose context ran full. Read the recent git log, the diff against MAIN and any notes in the lane, then continue the work where it stopped.';

export function AgentPane({ agent }: { agent: AgentInfo }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [handoff, setHandoff] = useState<string | null>(null);
  const urgency = urgencyOf(agent);
  const ref = useRef<HTMLElement>(null);
  const focusSeq = useFocusTarget({ kind: 'agent', agentId: agent.id }, ref);
  const live = isLiveSupervision(agent.supervision.kind);
  const run = async (p: Promise<{ ok: true } | { ok: false; message: string }>): Promise<void> => {
    const r = await p;
    setError(r.ok ? null : r.message);
  };
  return (
    <article
      ref={ref}
      id={`agent-${agent.id}`}
      className={`agent-pane urgency-${urgency}${focusSeq !== null ? ' route-focused' : ''}`}
      data-testid="agent-pane"
      data-agent={agent.name}
      data-focused={focusSeq !== null ? 'true' : undefined}
    >
      <header className="agent-header">
        <strong>{agent.name}</strong>
        <span className="agent-preset">{agent.preset}</span>
        <span className={`agent-state state-${urgency}`} data-testid="agent-state">
          {describeState(agent)}
        </span>
        {agent.context && <ContextMeter context={agent.context} warnAt={agent.contextWarnTokens} />}
        <span className="agent-actions">
          {live && <button onClick={() => void run(store.act('agents.stop', { id: agent.id }))}>Stop</button>}
          {live && <button onClick={() => void run(store.act('agents.restart', { id: agent.id }))}>Restart</button>}
          {!live && <button onClick={() => void run(store.act('agents.resume', { id: agent.id }))}>{agent.canResume ? 'Resume' : 'Start again'}</button>}
          {agent.context && <button onClick={() => setHandoff(DEFAULT_HANDOFF)} title="Stop and start a fresh conversation in this lane">Recycle</button>}
          {!live && <button onClick={() => void run(store.act('agents.remove', { id: agent.id }))}>Remove</button>}
        </span>
      </header>
      {handoff !== null && (
        <form
          className="recycle-form"
          aria-label={`Recycle ${agent.name}`}
          onSubmit={(e) => {
            e.preventDefault();
            const text = handoff.trim();
            setHandoff(null);
            void run(store.act('agents.recycle', { id: agent.id, ...(text ? { handoff: text } : {}) }));
          }}
        >
          <label>
            Handoff prompt for the fresh conversation
            <textarea value={handoff} onChange={(e) => setHandoff(e.target.value)} rows={3} />
          </label>
          <div className="dialog-actions">
            <button type="button" onClick={() => setHandoff(null)}>Cancel</button>
            <button type="submit">Stop and start fresh</button>
          </div>
        </form>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <TerminalPane agent={agent} />
    </article>
  );
}
