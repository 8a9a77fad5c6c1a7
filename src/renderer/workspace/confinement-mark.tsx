import { Lock, ShieldOff } from 'lucide-react';
import type { AgentInfo } from '../../shared/agents';
import { HELD, knownConfinement, MECHANISM_NAME } from '../../shared/confinement-words';

/**
 * How an agent runs, on its tab and its pane's header. Unconfined is never silent: a shield
 * struck through, in the warning colour, the reason on hover and in its accessible name.
 * Confined is the normal case and stays quiet: a faint lock on the header only (`quiet`
 * leaves it out, as on the tab). Nothing is shown before the host has said.
 */
export function ConfinementMark({ agent, compact, quiet }: { agent: Pick<AgentInfo, 'unconfined' | 'confinement'> & Partial<Pick<AgentInfo, 'ceiling'>>; compact?: boolean; quiet?: boolean }) {
  const c = knownConfinement(agent);
  if (!c || (c.confined && quiet)) return null;
  const title = c.confined
    ? `Confined to the lane by ${c.mechanism ? MECHANISM_NAME[c.mechanism] : 'the host’s sandbox'}${c.network === 'none' ? ', no network but Grove' : c.network === 'loopback' ? ', this machine’s loopback only' : ''}${agent.ceiling ? `, ${HELD}${agent.ceiling.keyless ? ', without its keys' : ''}` : ''}`
    : `Unconfined: ${c.reason ?? 'no reason given'}`;
  if (c.confined) {
    return (
      <span className="confinement-mark confined" title={title} data-testid="confined-mark">
        <Lock size={12} aria-hidden />
        <span className="visually-hidden">{title}</span>
      </span>
    );
  }
  return (
    <span className="confinement-mark unconfined" title={title} data-testid="unconfined-mark">
      <ShieldOff size={compact ? 13 : 14} aria-hidden />
      {compact ? <span className="visually-hidden">{title}</span> : <span>unconfined<span className="visually-hidden">: {c.reason}</span></span>}
    </span>
  );
}
