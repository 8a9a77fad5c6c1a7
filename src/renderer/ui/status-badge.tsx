import { AlertTriangle, CheckCircle2, CircleDashed, CircleDot, CircleHelp, CirclePause, CircleStop, Hand, Loader, MessageCircleQuestion, ShieldQuestion, XCircle, type LucideIcon } from 'lucide-react';
import type { MainHealthState } from '../../shared/health';
import { ATTENTION_LABEL, HEALTH_LABEL, type Attention } from './attention';
import './status-badge.css';

const ATTENTION_ICON: Record<Attention, LucideIcon> = {
  approval: Hand,
  answer: MessageCircleQuestion,
  done: CheckCircle2,
  error: XCircle,
  working: Loader,
  idle: CirclePause,
  exited: CircleStop,
};

const HEALTH_ICON: Record<MainHealthState, LucideIcon> = {
  healthy: CircleDot,
  degraded: AlertTriangle,
  broken: XCircle,
  untrusted: ShieldQuestion,
  unknown: CircleDashed,
};

/**
 * A state as icon and word together, coloured by tone: colour is never the only signal.
 * `compact` keeps the icon alone but the word stays as the accessible name and tooltip.
 */
export function AttentionBadge({ attention, unread, compact, detail }: { attention: Attention; unread?: boolean; compact?: boolean; detail?: string }) {
  const Icon = ATTENTION_ICON[attention] ?? CircleHelp;
  const label = `${ATTENTION_LABEL[attention]}${unread ? ' · unread' : ''}`;
  return (
    <span className={`status-badge tone-${attention}${unread ? ' unread' : ''}`} title={detail ? `${label} (${detail})` : label} data-attention={attention}>
      <Icon size={14} aria-hidden className={attention === 'working' ? 'spin' : undefined} />
      {compact ? <span className="visually-hidden">{label}</span> : <span>{label}</span>}
    </span>
  );
}

export function HealthBadge({ state, compact }: { state: MainHealthState; compact?: boolean }) {
  const Icon = HEALTH_ICON[state];
  const label = `MAIN ${HEALTH_LABEL[state]}`;
  return (
    <span className={`status-badge tone-${state}`} title={label} data-health={state}>
      <Icon size={14} aria-hidden />
      {compact ? <span className="visually-hidden">{label}</span> : <span>{HEALTH_LABEL[state]}</span>}
    </span>
  );
}
