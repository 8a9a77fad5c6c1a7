import { CheckCircle2, CircleDashed, Undo2, XCircle, type LucideIcon } from 'lucide-react';
import { useState } from 'react';
import type { MergeRecord } from '../../shared/lanes';
import { OutputTail } from '../health/output-tail';
import { count } from '../../shared/plural';
import { TimeAgo } from '../ui/time-ago';
import { shortSha } from './lane-labels';
import './merges-list.css';
import { RollBackButton } from './roll-back-button';

/**
 * A repository's merges into MAIN, newest first, live from `merge.updated`. A merge whose
 * gate failed under `merge.rollback: ask` waits here for the operator's "Roll back"; one
 * rolled back left MAIN as it was, so it is not red. Each gate's output is here once, folded.
 */
const SHOWN = 8;

const STATE_TEXT: Record<MergeRecord['state'], { text: string; tone: 'ok' | 'bad' | 'warn' | 'idle'; icon: LucideIcon }> = {
  gating: { text: 'gate running', tone: 'idle', icon: CircleDashed },
  merged: { text: 'merged', tone: 'ok', icon: CheckCircle2 },
  'rolled-back': { text: 'rolled back', tone: 'warn', icon: Undo2 },
  'awaiting-rollback': { text: 'gate failed — awaiting rollback', tone: 'bad', icon: XCircle },
};

export function MergesList({ merges }: { merges: MergeRecord[] }) {
  const [isAll, setAll] = useState(false);
  if (merges.length === 0) return <p className="merges-none muted">No merges into MAIN yet.</p>;
  const shown = isAll ? merges : merges.slice(0, SHOWN);
  return (
    <div className="merges-block" data-testid="merges">
      <ul className="merges-rows">
        {shown.map((m) => (
          <MergeRow key={m.id} merge={m} />
        ))}
      </ul>
      {merges.length > SHOWN && (
        <button type="button" className="merges-more" onClick={() => setAll(!isAll)}>
          {isAll ? 'Show fewer' : `Show all ${count(merges.length, 'merge')}`}
        </button>
      )}
    </div>
  );
}

function MergeRow({ merge }: { merge: MergeRecord }) {
  const state = STATE_TEXT[merge.state];
  const Icon = state.icon;
  return (
    <li className="merge-item" data-testid="merge-row" data-state={merge.state}>
      <div className="merge-item-line">
        <span className={`merge-state tone-${state.tone}`}>
          <Icon size={14} aria-hidden /> {state.text}
        </span>
        <strong>{merge.laneName}</strong>
        <code className="muted">{merge.branch}</code>
        <span className="muted">{merge.strategy}</span>
        <span className="merge-shas">
          <code>{shortSha(merge.mainBefore)}</code>→<code>{shortSha(merge.mainAfter)}</code>
        </span>
        <TimeAgo at={merge.at} className="merge-at" />
        {merge.state === 'awaiting-rollback' && (
          <RollBackButton merge={merge} ariaLabel={`Roll back the merge of ${merge.laneName}`}>
            Roll back
          </RollBackButton>
        )}
      </div>
      {merge.gateOutput && (
        <details className="merge-gate">
          <summary>Gate output</summary>
          <OutputTail text={merge.gateOutput} label={`Gate output of the merge of ${merge.laneName}`} lines={40} />
        </details>
      )}
    </li>
  );
}
