import type { ConnectionState } from '../../shared/client/host-connection';
import type { EventEnvelope } from '../../shared/events';
import { trayState, type TrayInputs, type TrayState } from './tray-state';

/**
 * Turns what the host says (its connection state and its events) into the tray's inputs,
 * and tells the listener only when the face or tooltip actually changes, so the shell
 * never flickers the icon. Plain, so it is tested under Node against a real host.
 *
 * Today the host reports only whether it is reachable; MAIN health and agent states join
 * as their events are added to the contract (a case each in `onEvent`).
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
      case 'host.started':
      case 'host.stopping':
      case 'repo.added':
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
