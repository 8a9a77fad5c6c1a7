import { BellOff, CheckCheck, CheckCircle2, XCircle } from 'lucide-react';
import { useState, type MouseEvent, type ReactNode } from 'react';
import type { Alert } from '../../shared/alerts';
import type { Incident } from '../../shared/incidents';
import type { NotificationTarget } from '../../shared/notifications';
import type { Repo } from '../../shared/repo';
import { routeFor } from '../../shared/ui-route';
import { useHost, useHostStore } from '../connection/use-host';
import { describeProbes, incidentDurationMs } from '../health/incident-labels';
import { incidentsOf } from '../health/incident-list';
import { shortSha } from '../lanes/lane-labels';
import { navigateTo, useRouteStore } from '../navigation/use-route-focus';
import { count } from '../../shared/plural';
import { TimeAgo } from '../ui/time-ago';
import { formatDuration } from '../ui/time-format';
import { useNow } from '../ui/use-now';
import { acknowledgeAlerts, unacknowledgedCount } from './alert-list';
import { incidentsForHealth } from './incident-order';
import { MainHealthBadge } from './main-health-badge';
import './health-view.css';
import './main-view.css';
import { useViewRequest } from '../ui/use-view-request';
import { ALERTS_PANEL, onAcknowledgeRequest, type AcknowledgeRequest } from './main-requests';

/**
 * Health across repositories: every MAIN at a glance (its badge, its open incident), the
 * incidents (open first, then the recent ones, each leading to its place in the MAIN view),
 * and the host's alerts, which the operator acknowledges one by one or all at once. An
 * acknowledged alert stays readable, muted; the acknowledgement is kept by the host.
 */
const RECENT_INCIDENTS = 20;

export function HealthView() {
  const { repos, health, incidents, alerts, mainStates } = useHost();
  const list = repos ?? [];
  const nameOf = (repoId: string | null): string | null => (repoId ? (list.find((r) => r.id === repoId)?.name ?? 'a removed repository') : null);
  const { open, closed } = incidentsForHealth(incidents ?? [], RECENT_INCIDENTS);
  const broken = list.filter((r) => health[r.id]?.state === 'broken').length;

  return (
    <section className="health-view" data-testid="health-view" aria-label="Health">
      <header className="health-view-header">
        <h2>Health</h2>
        <p className="muted" data-testid="health-summary">
          {count(list.length, 'repository')} · {broken === 0 ? 'no MAIN broken' : `MAIN broken in ${count(broken, 'repository')}`} · {count(unacknowledgedCount(alerts), 'alert')} to acknowledge
        </p>
      </header>

      <Panel title="MAIN of each repository">
        {list.length === 0 ? (
          <p className="muted">No repositories yet.</p>
        ) : (
          <ul className="health-repos">
            {list.map((r) => (
              <RepoRow key={r.id} repo={r} head={mainStates[r.id]?.head ?? null} badge={<MainHealthBadge repo={r} health={health[r.id]} />} open={incidentsOf(incidents ?? [], r.id).open} />
            ))}
          </ul>
        )}
      </Panel>

      <Panel title="Incidents">
        {open.length === 0 && closed.length === 0 ? (
          <p className="muted">None: no MAIN has broken while Grove watched it.</p>
        ) : (
          <ul className="health-incidents">
            {[...open, ...closed].map((i) => (
              <IncidentRow key={i.id} incident={i} repoName={nameOf(i.repoId) ?? ''} />
            ))}
          </ul>
        )}
      </Panel>

      <AlertsPanel alerts={alerts} nameOf={nameOf} />
    </section>
  );
}

function Panel({ title, action, children }: { title: string; action?: ReactNode; children: ReactNode }) {
  return (
    <section className="main-view-section" aria-label={title}>
      <div className="health-panel-head">
        <h3>{title}</h3>
        {action}
      </div>
      {children}
    </section>
  );
}

/** A link that follows a route the way every route is followed (the hash, then the focus). */
function RouteLink({ target, className, children, testId }: { target: NotificationTarget; className?: string; children: ReactNode; testId?: string }) {
  const routes = useRouteStore();
  const follow = (e: MouseEvent): void => {
    e.preventDefault();
    navigateTo(routes, target);
  };
  return (
    <a href={routeFor(target)} className={className} onClick={follow} data-testid={testId}>
      {children}
    </a>
  );
}

function RepoRow({ repo, head, badge, open }: { repo: Repo; head: string | null; badge: ReactNode; open: Incident | null }) {
  return (
    <li className="health-repo" data-testid="health-repo" data-repo-id={repo.id}>
      <RouteLink target={{ kind: 'repo', repoId: repo.id }} className="health-repo-name">
        {repo.name}
      </RouteLink>
      {badge}
      <code className="health-repo-head muted">{head ? shortSha(head) : '…'}</code>
      <span className="health-repo-incident">
        {open ? (
          <RouteLink target={{ kind: 'incident', repoId: repo.id, incidentId: open.id }} testId="health-repo-incident">
            {describeProbes(open)}, opened <TimeAgo at={open.openedAt} />
          </RouteLink>
        ) : (
          <span className="muted">no open incident</span>
        )}
      </span>
    </li>
  );
}

function IncidentRow({ incident, repoName }: { incident: Incident; repoName: string }) {
  const isOpen = incident.closedAt === null;
  const now = useNow(15_000, isOpen);
  return (
    <li className={`health-incident ${isOpen ? 'is-open' : 'is-closed'}`} data-testid="health-incident" data-state={isOpen ? 'open' : 'closed'} data-incident-id={incident.id}>
      {isOpen ? (
        <span className="state-pill tone-bad">
          <XCircle size={14} aria-hidden /> broken
        </span>
      ) : (
        <span className="state-pill tone-ok">
          <CheckCircle2 size={14} aria-hidden /> recovered
        </span>
      )}
      <strong className="health-incident-repo">{repoName}</strong>
      <RouteLink target={{ kind: 'incident', repoId: incident.repoId, incidentId: incident.id }} className="health-incident-what">
        {describeProbes(incident)}
      </RouteLink>
      <span className="health-incident-when muted">
        opened <TimeAgo at={incident.openedAt} />, {isOpen ? 'broken for' : 'lasted'} {formatDuration(incidentDurationMs(incident, now))}
      </span>
    </li>
  );
}

function AlertsPanel({ alerts, nameOf }: { alerts: readonly Alert[]; nameOf: (repoId: string | null) => string | null }) {
  const store = useHostStore();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const waiting = unacknowledgedCount(alerts);

  const acknowledge = async (params: AcknowledgeRequest): Promise<void> => {
    setBusy(true);
    const r = await store.request('alerts.acknowledge', params);
    setBusy(false);
    setError(r.ok ? null : r.error.message);
    // Shown at once; the host's alerts.acknowledged event says the same when it arrives.
    if (r.ok && r.value.at) store.setAlerts(acknowledgeAlerts(store.getSnapshot().alerts, r.value.acknowledged, r.value.at));
  };

  useViewRequest(onAcknowledgeRequest, ALERTS_PANEL, (request) => {
    if (busy) return setError('Wait: the alerts are being acknowledged.');
    if ('all' in request && waiting === 0) return setError('No alert is waiting to be acknowledged.');
    void acknowledge(request);
  });

  const action =
    waiting > 0 ? (
      <button type="button" onClick={() => void acknowledge({ all: true })} disabled={busy} data-testid="alerts-acknowledge-all">
        <CheckCheck size={14} aria-hidden /> Acknowledge all
      </button>
    ) : null;

  return (
    <Panel title="Alerts" action={action}>
      {alerts.length === 0 ? (
        <p className="muted">
          <BellOff size={14} aria-hidden /> No alerts.
        </p>
      ) : (
        <ul className="health-alerts" data-testid="alerts">
          {alerts.map((a) => {
            const repo = nameOf(a.repoId);
            const isAcked = a.acknowledgedAt !== null;
            return (
              <li key={a.seq} className={`health-alert${isAcked ? ' is-acknowledged' : ''}`} data-testid="alert" data-seq={a.seq} data-acknowledged={isAcked ? 'true' : 'false'}>
                <div className="health-alert-text">
                  <p className="health-alert-message">
                    {repo && <strong>{repo}: </strong>}
                    {a.message}
                  </p>
                  <span className="health-alert-when muted">
                    <TimeAgo at={a.at} />
                    {isAcked && (
                      <>
                        {' '}
                        · acknowledged <TimeAgo at={a.acknowledgedAt!} />
                      </>
                    )}
                  </span>
                </div>
                {!isAcked && (
                  <button type="button" onClick={() => void acknowledge({ seqs: [a.seq] })} disabled={busy} aria-label={`Acknowledge: ${a.message.split('\n')[0]}`}>
                    Acknowledge
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <p className="health-error" role="alert">
          {error}
        </p>
      )}
    </Panel>
  );
}
