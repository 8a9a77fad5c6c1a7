import { useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import type { MainHealth } from '../../shared/health';
import type { MainState } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { useHostStore } from '../connection/use-host';
import { plural, shortSha } from './lane-labels';

/**
 * MAIN as its watcher sees it: branch and head, and loudly, anything that did not come
 * through Grove (uncommitted edits, commits made there directly), with the two answers the
 * operator has: accept MAIN as it is, or install the pre-commit guard that stops it.
 */
const LISTED = 5;

export function MainStateBanner({ repo, state, health }: { repo: Repo; state: MainState | undefined; health: MainHealth | undefined }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  if (!state) return <p className="main-state hint" data-testid="main-state">MAIN: reading its state…</p>;

  const run = async (call: () => Promise<Result<{ state: MainState }, CallError>>): Promise<void> => {
    setBusy(true);
    const r = await call();
    setBusy(false);
    if (r.ok) store.setMainState(r.value.state);
    setError(r.ok ? null : r.error.message);
  };
  const isClean = state.dirty.length === 0 && state.unexpectedCommits.length === 0;
  return (
    <div className={`main-state ${isClean ? 'main-clean' : 'main-dirty'}`} data-testid="main-state" aria-label={`MAIN of ${repo.name}`}>
      <div className="main-state-line">
        <span className="main-label">MAIN</span>
        <code>{state.branch ?? '(detached HEAD)'}</code> at <code data-testid="main-head">{shortSha(state.head)}</code>
        {isClean && <span className="badge badge-ok">only Grove merges</span>}
        <HealthBadge health={repo.trusted ? health : { state: 'untrusted', probes: [], ...(health?.configProblems ? { configProblems: health.configProblems } : {}) }} />
        <label className="guard-toggle" title="A pre-commit hook in MAIN that refuses commits made there directly; Grove's own merges pass.">
          <input
            type="checkbox"
            checked={state.preCommitGuard}
            disabled={isBusy}
            onChange={(e) => void run(() => store.request('repos.guard', { repoId: repo.id, preCommit: e.target.checked }))}
          />
          Pre-commit guard
        </label>
      </div>
      {health?.state === 'broken' && (
        <div className="main-warning" data-testid="main-broken">
          {health.probes
            .filter((p) => p.state === 'failing')
            .map((p) => (
              <p key={p.name}>
                Probe <strong>{p.name}</strong> fails: {p.last?.detail}
                {p.last?.outputTail ? <pre className="probe-output">{p.last.outputTail.trimEnd().split('\n').slice(-8).join('\n')}</pre> : null}
              </p>
            ))}
        </div>
      )}
      {state.dirty.length > 0 && (
        <p className="main-warning" data-testid="main-dirty">
          Uncommitted edits in MAIN: {state.dirty.slice(0, LISTED).join(', ')}
          {state.dirty.length > LISTED && ` and ${state.dirty.length - LISTED} more`}. MAIN only receives merged code; move these into a lane.
        </p>
      )}
      {state.unexpectedCommits.length > 0 && (
        <div className="main-warning" data-testid="main-unexpected">
          <p>
            {plural(state.unexpectedCommits.length, 'commit')} did not come through Grove:
          </p>
          <ul>
            {state.unexpectedCommits.slice(0, LISTED).map((c) => (
              <li key={c.sha}>
                <code>{shortSha(c.sha)}</code> {c.subject} <span className="muted">— {c.author}</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void run(() => store.request('repos.acceptMain', { repoId: repo.id }))} disabled={isBusy}>
            Accept MAIN as it is
          </button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
    </div>
  );
}

/** MAIN's health at a glance; "no probes" says where to declare them. */
function HealthBadge({ health }: { health: MainHealth | undefined }) {
  if (health?.configProblems?.length) {
    // Not "no probes": grove.yaml says something Grove cannot use; each problem on its line.
    return (
      <span className="config-invalid">
        <span className="badge badge-bad" data-testid="main-health" title="grove.yaml is invalid; fix it (its last valid probes keep running)">
          config invalid
        </span>
        <span className="config-problems" data-testid="config-problems">
          {health.configProblems.map((p) => (
            <code key={p} className="config-problem" data-testid="config-problem">
              {p}
            </code>
          ))}
        </span>
      </span>
    );
  }
  if (health?.state === 'untrusted') {
    return <span className="badge badge-pending" title="Nothing from grove.yaml runs until you trust its commands (Repositories)" data-testid="main-health">untrusted</span>;
  }
  if (!health || health.probes.length === 0) {
    return <span className="badge" title="Declare probes under health.probes in grove.yaml" data-testid="main-health">no probes</span>;
  }
  const tone = health.state === 'healthy' ? 'badge-ok' : health.state === 'broken' ? 'badge-bad' : 'badge-pending';
  return (
    <span className={`badge ${tone}`} data-testid="main-health" title={health.probes.map((p) => `${p.name}: ${p.state}`).join(', ')}>
      {health.state}
    </span>
  );
}
