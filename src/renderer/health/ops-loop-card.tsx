import { useEffect, useRef, useState } from 'react';
import { isLiveSupervision } from '../../shared/agent-liveness';
import type { AgentInfo } from '../../shared/agents';
import type { OpsLoop } from '../../shared/ops';
import type { Repo } from '../../shared/repo';
import { routeFor } from '../../shared/ui-route';
import { useHostStore } from '../connection/use-host';
import { shortSha } from '../lanes/lane-labels';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { describeState, urgencyOf } from '../terminals/agent-urgency';
import type { OpsLoopRequest } from '../main-view/main-requests';
import './health.css';

/**
 * The repository's ops loop: where it runs, whether its agent is alive (fatal in red: Grove
 * gave up restarting it), why its checkout did not follow MAIN, and Start / Stop. Shown
 * when there is a loop or grove.yaml declares one.
 */
const CHECKOUT_TEXT: Record<OpsLoop['checkout'], string> = {
  worktree: 'its own checkout, following MAIN after every merge',
  main: 'MAIN itself, read-only',
};

export function OpsLoopCard({
  repo,
  loop,
  agent,
  hasOpsConfig,
  asked = null,
}: {
  repo: Repo;
  loop: OpsLoop | undefined;
  agent: AgentInfo | undefined;
  hasOpsConfig: boolean;
  /** The palette's Start or Stop, done here once per ask (main-requests.ts), so its answer shows on this card. */
  asked?: { request: OpsLoopRequest; seq: number } | null;
}) {
  const store = useHostStore();
  const routes = useRouteStore();
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const isAlive = agent !== undefined && isLiveSupervision(agent.supervision.kind);
  const done = useRef(0);
  useEffect(() => {
    if (!asked || asked.seq === done.current) return;
    done.current = asked.seq;
    if (asked.request === 'start') {
      if (isAlive) setNotice('It is already running.');
      else void start();
    } else if (loop) void stop();
    else setNotice('It is not running.');
  });
  if (!loop && !hasOpsConfig && !asked) return null;

  async function start(): Promise<void> {
    setBusy(true);
    const r = await store.request('ops.start', { repoId: repo.id });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
    setNotice(null);
    if (r.ok) store.setOpsLoop(repo.id, r.value.loop);
  }
  async function stop(): Promise<void> {
    setBusy(true);
    const r = await store.request('ops.stop', { repoId: repo.id });
    setBusy(false);
    setError(r.ok ? null : r.error.message);
    if (!r.ok) return;
    store.setOpsLoop(repo.id, null);
    setNotice(r.value.checkoutKept ? `Stopped. Its checkout ${r.value.checkoutKept} was kept: it has work that would be lost.` : 'Stopped.');
  }
  const agentRoute = loop?.agentId ? { kind: 'agent' as const, agentId: loop.agentId } : null;

  return (
    <div className="ops-loop-card" data-testid="ops-loop" aria-label={`Ops loop of ${repo.name}`}>
      {!loop ? (
        <p className="ops-note">{hasOpsConfig ? 'Not running. grove.yaml declares one; start it to have an agent watch MAIN and heal what it can.' : 'Not running.'}</p>
      ) : (
        <dl className="ops-facts">
          <dt>Runs in</dt>
          <dd>
            {CHECKOUT_TEXT[loop.checkout]} <code className="muted">{loop.path}</code> at <code>{shortSha(loop.head)}</code>
          </dd>
          <dt>Agent</dt>
          <dd data-testid="ops-agent-state">
            {!loop.agentId ? (
              <span className="state-failed">removed; start the loop again</span>
            ) : !agent ? (
              <span className="muted">…</span>
            ) : (
              <span className={`state-${urgencyOf(agent)}`} data-supervision={agent.supervision.kind}>
                {describeState(agent)}
              </span>
            )}
            {agentRoute && (
              <>
                {' '}
                <a
                  href={routeFor(agentRoute)}
                  data-testid="ops-terminal-link"
                  onClick={(e) => {
                    e.preventDefault();
                    navigateTo(routes, agentRoute);
                  }}
                >
                  terminal
                </a>
              </>
            )}
          </dd>
          <dt>Command</dt>
          <dd>
            <code>{loop.command}</code>
          </dd>
        </dl>
      )}
      {loop?.behindReason && (
        <p className="ops-behind" data-testid="ops-behind">
          Its checkout did not follow MAIN: {loop.behindReason}
        </p>
      )}
      <div className="ops-actions">
        {hasOpsConfig && !isAlive && (
          <button type="button" onClick={() => void start()} disabled={isBusy}>
            {loop ? 'Start again' : 'Start'}
          </button>
        )}
        {loop && (
          <button type="button" className="danger" onClick={() => void stop()} disabled={isBusy}>
            Stop
          </button>
        )}
      </div>
      {notice && (
        <p className="ops-note" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p className="ops-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
