import { AlertTriangle, CheckCircle2, GitBranch } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import type { MainHealth } from '../../shared/health';
import type { MainState } from '../../shared/lanes';
import type { Repo } from '../../shared/repo';
import type { Result } from '../../shared/result';
import { useHostStore } from '../connection/use-host';
import { count } from '../../shared/plural';
import { useViewRequest } from '../ui/use-view-request';
import { onMainStateRequest, type MainStateRequest } from '../main-view/main-requests';
import { shortSha } from './lane-labels';
import './main-state-banner.css';

/**
 * MAIN as its watcher sees it: whether only Grove's merges reached it, and loudly, anything
 * that did not come through Grove (uncommitted edits, commits made there directly), with
 * the two answers the operator has: accept MAIN as it is, or install the pre-commit guard
 * that stops it. MAIN's HEAD and health are not shown here: the MAIN view's header says
 * them, once (see MainHead).
 */
const LISTED = 5;

export function MainStateBanner({ repo, state }: { repo: Repo; state: MainState | undefined; /** Not shown here any more; see the MAIN view. */ health?: MainHealth }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const run = async (call: () => Promise<Result<{ state: MainState }, CallError>>): Promise<void> => {
    setBusy(true);
    const r = await call();
    setBusy(false);
    if (r.ok) store.setMainState(r.value.state);
    setError(r.ok ? null : r.error.message);
  };
  // The palette's MAIN commands come here, so they answer where these controls do.
  // One asked while MAIN's state is still being read is done once it is.
  const asked = useRef<MainStateRequest | null>(null);
  const act = (request: MainStateRequest, now: MainState): void => {
    if (isBusy) return setError('Wait: the last change to MAIN is still being made.');
    if (request === 'accept') {
      if (now.unexpectedCommits.length === 0) return setError('Every commit in MAIN came through Grove: there is nothing to accept.');
      return void run(() => store.request('repos.acceptMain', { repoId: repo.id }));
    }
    void run(() => store.request('repos.guard', { repoId: repo.id, preCommit: request === 'guard-on' }));
  };
  useViewRequest(onMainStateRequest, repo.id, (request) => {
    if (state) act(request, state);
    else asked.current = request;
  });
  useEffect(() => {
    if (!state || asked.current === null) return;
    const request = asked.current;
    asked.current = null;
    act(request, state);
  });
  if (!state) {
    return (
      <p className="mstate is-loading" data-testid="main-state">
        Reading MAIN's state…
      </p>
    );
  }

  const isClean = state.dirty.length === 0 && state.unexpectedCommits.length === 0;
  return (
    <div className="mstate" data-testid="main-state" aria-label={`MAIN of ${repo.name}`}>
      <div className="mstate-line">
        {isClean && (
          <span className="mstate-clean">
            <CheckCircle2 size={14} aria-hidden /> only Grove merges
          </span>
        )}
        <label className="mstate-guard" title="A pre-commit hook in MAIN that refuses commits made there directly; Grove's own merges pass.">
          <input
            type="checkbox"
            checked={state.preCommitGuard}
            disabled={isBusy}
            onChange={(e) => void run(() => store.request('repos.guard', { repoId: repo.id, preCommit: e.target.checked }))}
          />
          Pre-commit guard <span className="muted">{state.preCommitGuard ? 'on: commits made in MAIN are refused' : 'off'}</span>
        </label>
      </div>
      {state.dirty.length > 0 && (
        <div className="mstate-warning" data-testid="main-dirty">
          <AlertTriangle size={14} aria-hidden />
          <p>
            Uncommitted edits in MAIN: {state.dirty.slice(0, LISTED).join(', ')}
            {state.dirty.length > LISTED && ` and ${state.dirty.length - LISTED} more`}. MAIN only receives merged code; move these into a lane.
          </p>
        </div>
      )}
      {state.unexpectedCommits.length > 0 && (
        <div className="mstate-warning" data-testid="main-unexpected">
          <AlertTriangle size={14} aria-hidden />
          <div>
            <p>{count(state.unexpectedCommits.length, 'commit')} did not come through Grove:</p>
            <ul>
              {state.unexpectedCommits.slice(0, LISTED).map((c) => (
                <li key={c.sha}>
                  <code>{shortSha(c.sha)}</code> {c.subject} <span className="muted">— {c.author}</span>
                </li>
              ))}
              {state.unexpectedCommits.length > LISTED && <li className="muted">… and {state.unexpectedCommits.length - LISTED} more</li>}
            </ul>
            <button type="button" onClick={() => void run(() => store.request('repos.acceptMain', { repoId: repo.id }))} disabled={isBusy}>
              Accept MAIN as it is
            </button>
          </div>
        </div>
      )}
      {error && (
        <p className="mstate-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** MAIN's branch and HEAD commit, for the MAIN view's header. */
export function MainHead({ state }: { state: MainState | undefined }) {
  if (!state) return null;
  return (
    <span className="mstate-head">
      <GitBranch size={14} aria-hidden />
      <code>{state.branch ?? '(detached HEAD)'}</code> at <code data-testid="main-head">{shortSha(state.head)}</code>
    </span>
  );
}
