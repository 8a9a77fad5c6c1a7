import { Ban, CheckCircle2, CircleDashed, CircleSlash, Loader, XCircle, type LucideIcon } from 'lucide-react';
import { useRef } from 'react';
import type { Dispatch } from '../../../shared/dispatch';
import { useHost, useHostStore } from '../../connection/use-host';
import { TimeAgo } from '../../ui/time-ago';
import { FormError } from '../form-error';
import { useWrite } from '../use-write';
import { useBriefItemRequest } from '../brief-part-requests';
import { RouteLink } from './route-link';
import { dispatchLine, isCancellable, type DispatchTone } from './dispatch-line';

const TONE_ICON: Record<DispatchTone, LucideIcon> = {
  pending: CircleDashed,
  active: Loader,
  good: CheckCircle2,
  bad: XCircle,
  quiet: CircleSlash,
};

/**
 * The brief's dispatches, newest first: each with its state as icon, word and colour (and
 * the host's reason), its lane and agent (links to the lane's workspace and the agent's tab
 * while they exist), phase, wave and time; Cancel while it has not started its agent.
 */
export function DispatchList({ dispatches, onCancelled }: { dispatches: readonly Dispatch[]; onCancelled: (d: Dispatch) => void }) {
  return (
    <ol className="dispatch-list" aria-label="Dispatch requests">
      {dispatches.map((d) => (
        <DispatchRow key={d.id} dispatch={d} onCancelled={onCancelled} />
      ))}
    </ol>
  );
}

function DispatchRow({ dispatch: d, onCancelled }: { dispatch: Dispatch; onCancelled: (d: Dispatch) => void }) {
  const store = useHostStore();
  const { lanes, agents } = useHost();
  const write = useWrite();
  // Cancel goes away with the state it belongs to: focus stays on the row instead of falling to the page.
  const rowRef = useRef<HTMLLIElement>(null);
  const line = dispatchLine(d);
  const cancel = (): void => {
    if (write.isBusy) return;
    write.run(() => store.request('dispatch.cancel', { id: d.id }), (v) => {
      onCancelled(v.dispatch);
      rowRef.current?.focus();
    });
  };
  useBriefItemRequest('cancel-dispatch', (id) => id === d.id && isCancellable(d) && cancel());
  const Icon = TONE_ICON[line.tone];
  const laneExists = d.laneId !== null && (lanes ?? []).some((l) => l.id === d.laneId);
  const agentExists = d.agentId !== null && (agents ?? []).some((a) => a.id === d.agentId);
  return (
    <li ref={rowRef} tabIndex={-1} className="dispatch-row" data-testid="dispatch-row" data-state={d.state} data-dispatch-id={d.id}>
      <div className="dispatch-row-head">
        <span className={`dispatch-state tone-${line.tone}`} data-testid="dispatch-state">
          <Icon size={14} aria-hidden className={d.state === 'starting' ? 'spin' : undefined} />
          {line.state}
        </span>
        <span className="dispatch-facts">
          <span>{line.phase}</span>
          <span>{line.wave}</span>
          <span>
            {line.moment.verb} <TimeAgo at={line.moment.at} />
          </span>
        </span>
        {isCancellable(d) && (
          <button
            type="button"
            className="dispatch-cancel"
            aria-disabled={write.isBusy}
            onClick={cancel}
            aria-label={`Cancel dispatch (wave ${d.wave}, ${line.state})`}
            data-testid="dispatch-cancel"
          >
            <Ban size={13} aria-hidden /> Cancel
          </button>
        )}
      </div>
      {line.reason && (
        <p className="dispatch-reason" data-testid="dispatch-reason">
          {line.reason}
        </p>
      )}
      <dl className="dispatch-where">
        <div>
          <dt>lane</dt>
          <dd data-testid="dispatch-lane">{laneExists ? <RouteLink route={{ kind: 'lane', repoId: d.repoId, laneId: d.laneId! }} title="Open the lane’s workspace">{line.lane}</RouteLink> : line.lane}</dd>
        </div>
        <div>
          <dt>agent</dt>
          <dd data-testid="dispatch-agent">{agentExists ? <RouteLink route={{ kind: 'agent', agentId: d.agentId! }} title="Open the agent’s tab">{line.agent}</RouteLink> : line.agent}</dd>
        </div>
        <div>
          <dt>role</dt>
          <dd>{d.role}</dd>
        </div>
      </dl>
      <FormError message={write.error} />
    </li>
  );
}
