import { useState } from 'react';
import type { MergeRecord } from '../../shared/lanes';
import { useHostStore } from '../connection/use-host';
import { shortSha } from './lane-labels';

/**
 * A repository's merges into MAIN, newest first, live from `merge.updated`. A merge whose
 * gate failed under `merge.rollback: ask` waits here for the operator's "Roll back".
 */
const SHOWN = 8;

const STATE_TEXT: Record<MergeRecord['state'], { text: string; tone: 'ok' | 'bad' | 'pending' }> = {
  gating: { text: 'gate running', tone: 'pending' },
  merged: { text: 'merged', tone: 'ok' },
  'rolled-back': { text: 'rolled back', tone: 'bad' },
  'awaiting-rollback': { text: 'gate failed — awaiting rollback', tone: 'bad' },
};

export function MergesList({ merges }: { merges: MergeRecord[] }) {
  const [isAll, setAll] = useState(false);
  if (merges.length === 0) return null;
  const shown = isAll ? merges : merges.slice(0, SHOWN);
  return (
    <div className="merges" data-testid="merges">
      <h3>Merges into MAIN</h3>
      <ul className="merge-list">
        {shown.map((m) => (
          <MergeRow key={m.id} merge={m} />
        ))}
      </ul>
      {merges.length > SHOWN && (
        <button type="button" className="link-button" onClick={() => setAll(!isAll)}>
          {isAll ? 'Show fewer' : `Show all ${merges.length}`}
        </button>
      )}
    </div>
  );
}

function MergeRow({ merge }: { merge: MergeRecord }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const state = STATE_TEXT[merge.state];
  const rollBack = async (): Promise<void> => {
    setBusy(true);
    const r = await store.request('merges.rollback', { id: merge.id });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
  };
  return (
    <li data-testid="merge-row" data-state={merge.state}>
      <div className="merge-row-line">
        <strong>{merge.laneName}</strong> <code>{merge.branch}</code>
        <span className="muted">{merge.strategy}</span>
        <code>{shortSha(merge.mainBefore)}</code>→<code>{shortSha(merge.mainAfter)}</code>
        <span className={`state-${state.tone}`}>{state.text}</span>
        <time className="muted" dateTime={merge.at}>{new Date(merge.at).toLocaleString()}</time>
        {merge.state === 'awaiting-rollback' && (
          <button type="button" onClick={() => void rollBack()} disabled={isBusy} aria-label={`Roll back the merge of ${merge.laneName}`}>
            Roll back
          </button>
        )}
      </div>
      {merge.gateOutput && (
        <details>
          <summary>Gate output</summary>
          <pre className="gate-output">{merge.gateOutput}</pre>
        </details>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </li>
  );
}
