import { Lock, ShieldOff } from 'lucide-react';
import { useId } from 'react';
import type { Confinement } from '../../shared/agents';
import { MECHANISM_NAME } from '../../shared/confinement-words';

/**
 * The launch dialog's "Confine to the lane" and, under it, what the launch will do in plain
 * words. `confinement` is the host's answer for a confined launch (null until one comes): when
 * the host cannot confine (no bubblewrap, grove.yaml turns it off) the box is moot, so it is
 * shown off and disabled, and the line says why.
 */
export function ConfinementLine({ confinement, confine, onConfineChange }: { confinement: Confinement | null; confine: boolean; onConfineChange: (confine: boolean) => void }) {
  const id = useId();
  const canConfine = confinement === null || confinement.confined;
  const willConfine = canConfine && confine;
  return (
    <div className="launch-confine">
      <label className="launch-confine-check">
        <input type="checkbox" checked={willConfine} disabled={!canConfine} onChange={(e) => onConfineChange(e.target.checked)} aria-describedby={id} />
        Confine to the lane
      </label>
      <p id={id} className={`launch-confine-line${confinement && !willConfine ? ' unconfined' : ''}`} data-testid="launch-confinement" aria-live="polite">
        {confinement && (willConfine ? <Lock size={13} aria-hidden /> : <ShieldOff size={13} aria-hidden />)}
        {confinement && <span>{sayWhatLaunchDoes(confinement, confine)}</span>}
      </p>
    </div>
  );
}

function sayWhatLaunchDoes(c: Confinement, confine: boolean): string {
  if (!c.confined) return `Runs unconfined: ${c.reason ?? 'the host cannot confine it'}. It can write anywhere you can, MAIN included.`;
  if (!confine) return 'Runs unconfined, as you ask: it can write anywhere you can, MAIN included.';
  const network = c.network === 'none' ? 'no network but Grove’s own host' : c.network === 'loopback' ? 'this machine’s loopback only' : 'network open';
  return `Runs confined with ${c.mechanism ? MECHANISM_NAME[c.mechanism] : 'the host’s sandbox'} (${network}): it writes only the lane, its git metadata and its own temp and tool state; MAIN is read-only.`;
}
