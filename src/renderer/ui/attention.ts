import type { AgentInfo } from '../../shared/agents';
import type { MainHealthState } from '../../shared/health';

/**
 * What an agent asks of the operator, in the order that matters: an agent waiting on a
 * permission or a question blocks work; one that finished its turn is done (and "unread"
 * until its tab has been seen since); errors and exits come after; working and idle need
 * nothing. Each comes with the text shown beside its icon (never colour alone).
 */
export type Attention = 'approval' | 'answer' | 'done' | 'error' | 'working' | 'idle' | 'exited';

export const ATTENTION_ORDER: readonly Attention[] = ['approval', 'answer', 'done', 'error', 'working', 'idle', 'exited'];

/** Attention states that count as "needs you". */
export function needsOperator(a: Attention): boolean {
  return a === 'approval' || a === 'answer' || a === 'done';
}

export function attentionOf(agent: AgentInfo): Attention {
  const s = agent.supervision;
  switch (s.kind) {
    case 'fatal':
    case 'crashed':
    case 'lost':
      return 'error';
    case 'exited':
      return 'exited';
    case 'starting':
    case 'backoff':
    case 'stopping':
      return 'working';
    case 'running':
      break;
  }
  const { state, detail } = agent.activity;
  if (state === 'busy') return 'working';
  if (state !== 'waiting') return 'idle';
  if (detail === 'permission_prompt' || detail === 'trust_prompt' || detail === 'sign_in' || detail === 'settings_error') return 'approval';
  if (detail === 'idle_prompt' && agent.activity.signal === 'hook') return 'answer';
  // The CLI's turn ended on an API error (Claude Code's StopFailure): its terminal says why.
  if (detail === 'turn_failed') return 'error';
  return 'done';
}

export const ATTENTION_LABEL: Record<Attention, string> = {
  approval: 'needs approval',
  answer: 'needs an answer',
  done: 'done',
  error: 'error',
  working: 'working',
  idle: 'idle',
  exited: 'exited',
};

/** The most urgent of several (a lane shows its most urgent agent), or null for none. */
export function mostUrgentAttention(agents: readonly AgentInfo[]): Attention | null {
  let best: Attention | null = null;
  for (const a of agents) {
    const x = attentionOf(a);
    if (best === null || ATTENTION_ORDER.indexOf(x) < ATTENTION_ORDER.indexOf(best)) best = x;
  }
  return best;
}

/** MAIN's states from worst to best, for the top bar's global status. */
export const HEALTH_ORDER: readonly MainHealthState[] = ['broken', 'degraded', 'untrusted', 'unknown', 'healthy'];

export function worstHealth(states: readonly MainHealthState[]): MainHealthState | null {
  let worst: MainHealthState | null = null;
  for (const s of states) if (worst === null || HEALTH_ORDER.indexOf(s) < HEALTH_ORDER.indexOf(worst)) worst = s;
  return worst;
}

export const HEALTH_LABEL: Record<MainHealthState, string> = {
  healthy: 'healthy',
  degraded: 'degraded',
  broken: 'broken',
  untrusted: 'untrusted',
  unknown: 'no probes yet',
};
