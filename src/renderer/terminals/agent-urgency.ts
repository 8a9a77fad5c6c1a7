import type { AgentInfo } from '../../shared/agents';

/**
 * How urgently an agent needs the operator, for badges and ordering: waiting for the
 * operator first (the whole point of the view), then agents that fell over, then work.
 */
export type Urgency = 'waiting' | 'failed' | 'busy' | 'idle' | 'stopped';

export function urgencyOf(a: AgentInfo): Urgency {
  switch (a.supervision.kind) {
    case 'fatal':
    case 'crashed':
    case 'lost':
      return 'failed';
    case 'exited':
      return 'stopped';
    case 'starting':
    case 'backoff':
    case 'stopping':
      return 'busy';
    case 'running':
      return a.activity.state === 'waiting' ? 'waiting' : a.activity.state === 'busy' ? 'busy' : 'idle';
  }
}

const ORDER: Urgency[] = ['waiting', 'failed', 'busy', 'idle', 'stopped'];

export function mostUrgent(agents: readonly AgentInfo[]): Urgency | null {
  let best: Urgency | null = null;
  for (const a of agents) {
    const u = urgencyOf(a);
    if (best === null || ORDER.indexOf(u) < ORDER.indexOf(best)) best = u;
  }
  return best;
}

export function describeState(a: AgentInfo): string {
  const s = a.supervision;
  switch (s.kind) {
    case 'running': {
      const by = a.activity.signal ? ` · by ${a.activity.signal}` : '';
      const detail = a.activity.state === 'waiting' && a.activity.detail ? ` (${a.activity.detail.replace('_', ' ')})` : '';
      return `${a.activity.state}${detail}${by}`;
    }
    case 'backoff':
      return `restarting in ${(s.delayMs / 1000).toFixed(1)} s`;
    case 'exited':
    case 'crashed':
      return s.code !== null || s.signal !== null ? `${s.kind} (${s.signal ? `signal ${s.signal}` : `code ${s.code}`})` : s.kind;
    case 'fatal':
      return `fatal after ${s.restarts} restarts`;
    case 'lost':
      return 'lost when the host restarted';
    default:
      return s.kind;
  }
}
