import type { ConnectionState } from '../../shared/client/host-connection';
import type { EventEnvelope } from '../../shared/events';
import { trayState, type TrayInputs, type TrayState } from './tray-state';

/**
 * Turns what the host says (its connection state and its events) into the tray's inputs,
 * and tells the listener only when the face or tooltip actually changes, so the shell
 * never flickers the icon. Plain, so it is tested under Node against a real host.
 *
 * Agents waiting for the operator come from `agent.updated` events; MAIN health joins when
 * its events are added to the contract (a case in `onEvent`).
 */
export class TrayFeed {
  private inputs: TrayInputs = { hostReachable: false, mains: [], agentsWaiting: [] };
  private last: TrayState | null = null;

  constructor(private readonly onChange: (s: TrayState) => void) {
    this.publish();
  }

  onConnection(state: ConnectionState): void {
    const reachable = state.kind === 'open';
    if (reachable === this.inputs.hostReachable) return;
    this.inputs = { ...this.inputs, hostReachable: reachable };
    this.publish();
  }

  onEvent({ event }: EventEnvelope): void {
    switch (event.type) {
      case 'repo.removed':
        this.inputs = { ...this.inputs, mains: this.inputs.mains.filter((m) => m.repo !== event.id) };
        this.publish();
        return;
      case 'agent.updated': {
        const a = event.agent;
        const waiting = a.supervision.kind === 'running' && a.activity.state === 'waiting';
        const others = this.inputs.agentsWaiting.filter((w) => w.id !== a.id);
        const lane = a.lanePath.split('/').filter(Boolean).pop() ?? a.lanePath;
        this.inputs = { ...this.inputs, agentsWaiting: waiting ? [...others, { id: a.id, agent: a.name, lane }] : others };
        this.publish();
        return;
      }
      case 'agent.removed':
        this.inputs = { ...this.inputs, agentsWaiting: this.inputs.agentsWaiting.filter((w) => w.id !== event.id) };
        this.publish();
        return;
      case 'host.started':
      case 'host.stopping':
      case 'repo.added':
      case 'alert':
        return;
    }
  }

  get current(): TrayState {
    return this.last!;
  }

  private publish(): void {
    const next = trayState(this.inputs);
    if (this.last && next.face === this.last.face && next.tooltip === this.last.tooltip) return;
    this.last = next;
    this.onChange(next);
  }
}
