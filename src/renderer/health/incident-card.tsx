import { CheckCircle2, ChevronRight, XCircle } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { Incident, IncidentCommit, MainEdits } from '../../shared/incidents';
import { shortSha } from '../lanes/lane-labels';
import { useFocusTarget } from '../navigation/use-route-focus';
import { TimeAgo } from '../ui/time-ago';
import { formatDuration } from '../ui/time-format';
import { useNow } from '../ui/use-now';
import { describeProbes, describeVia, incidentDurationMs, summarizeClosed } from './incident-labels';
import { OutputTail } from './output-tail';
import './health.css';

/**
 * One incident: while open, everything at once (the failing probes with their output, what
 * reached MAIN since it was last healthy, through which lane and agents); once closed, one
 * line with its duration and how MAIN recovered, the details a click away (the log mounts
 * the open incident apart from the closed ones, so one that closes folds away). A closed
 * incident reads as resolved, never in red: red means broken now. Its anchor
 * (`incident-<id>`) is where a notification's route leads: it opens and is highlighted.
 */
export function IncidentCard({ incident }: { incident: Incident }) {
  const ref = useRef<HTMLElement>(null);
  const isOpen = incident.closedAt === null;
  const focusSeq = useFocusTarget({ kind: 'incident', repoId: incident.repoId, incidentId: incident.id }, ref);
  const [isExpanded, setExpanded] = useState(isOpen);
  const now = useNow(15_000, isOpen);
  useEffect(() => {
    if (focusSeq !== null) setExpanded(true);
  }, [focusSeq]);

  const classes = ['incident-card', isOpen ? 'is-open' : 'is-closed', focusSeq !== null ? 'is-focused' : ''].filter(Boolean).join(' ');
  return (
    <article
      ref={ref}
      id={`incident-${incident.id}`}
      className={classes}
      data-testid="incident"
      data-incident-id={incident.id}
      data-state={isOpen ? 'open' : 'closed'}
      data-focused={focusSeq !== null ? 'true' : undefined}
      aria-label={`Incident: ${describeProbes(incident)}, ${isOpen ? 'open' : 'recovered'}`}
    >
      {isOpen ? (
        <header className="incident-card-head">
          <span className="state-pill tone-bad">
            <XCircle size={14} aria-hidden /> broken
          </span>
          <strong>{describeProbes(incident)}</strong>
          <span className="incident-since" data-testid="incident-since">
            for {formatDuration(incidentDurationMs(incident, now))}, opened <TimeAgo at={incident.openedAt} />
          </span>
        </header>
      ) : (
        <button type="button" className="incident-toggle" aria-expanded={isExpanded} onClick={() => setExpanded(!isExpanded)}>
          <ChevronRight size={14} aria-hidden className="chevron" />
          <span className="state-pill tone-ok">
            <CheckCircle2 size={14} aria-hidden /> recovered
          </span>
          <TimeAgo at={incident.openedAt} />
          <span className="incident-summary" data-testid="incident-summary">
            {summarizeClosed(incident)}
          </span>
        </button>
      )}
      {isExpanded && <IncidentDetails incident={incident} />}
    </article>
  );
}

function IncidentDetails({ incident }: { incident: Incident }) {
  return (
    <div className="incident-card-details">
      {incident.probes.map((p) => (
        <div key={p.name} className="incident-probe" data-testid="incident-probe">
          <p>
            Probe <strong>{p.name}</strong>: {p.detail}
          </p>
          {p.outputTail && <OutputTail text={p.outputTail} label={`Output of ${p.name} when MAIN broke`} />}
        </div>
      ))}
      {incident.editsAtOpen && <EditList title="Uncommitted edits in MAIN when it broke" edits={incident.editsAtOpen} testId="incident-edits" />}
      <h4>What reached MAIN since it was last healthy</h4>
      {incident.lastHealthyAt === null ? (
        <p className="incident-hint">MAIN was never healthy while Grove watched it, so there is nothing to compare with.</p>
      ) : incident.commits.length === 0 ? (
        <p className="incident-hint" data-testid="incident-no-commits">
          Nothing: MAIN was at <code>{shortSha(incident.lastHealthyHead)}</code> when it was last healthy (<TimeAgo at={incident.lastHealthyAt} />) and still is.{' '}
          {incident.editsAtOpen
            ? 'Its uncommitted edits (above) are the first suspect.'
            : 'Look outside the code: a service, the database, the environment.'}
        </p>
      ) : (
        <>
          <p className="incident-hint">
            Last healthy <TimeAgo at={incident.lastHealthyAt} /> at <code>{shortSha(incident.lastHealthyHead)}</code>; broken at <code>{shortSha(incident.headAtOpen)}</code>.
          </p>
          <CommitList commits={incident.commits} testId="incident-commits" />
        </>
      )}
      {incident.recovery && (
        <div className="incident-recovery" data-testid="incident-recovery">
          <h4>How it recovered</h4>
          <p>
            <TimeAgo at={incident.recovery.at} />: {incident.recovery.how}
            {incident.recovery.head && (
              <>
                {' '}
                (MAIN at <code>{shortSha(incident.recovery.head)}</code>)
              </>
            )}
          </p>
          {incident.recovery.commits.length > 0 && <CommitList commits={incident.recovery.commits} testId="incident-recovery-commits" />}
          {incident.recovery.edits && <EditList title="Uncommitted edits in MAIN when it recovered" edits={incident.recovery.edits} testId="incident-recovery-edits" />}
        </div>
      )}
    </div>
  );
}

/** MAIN's uncommitted edits: each path with its +/- counts, then the end of the (masked) diff. */
function EditList({ title, edits, testId }: { title: string; edits: MainEdits; testId: string }) {
  const lines = (n: number | null, sign: string): string => (n === null ? `${sign}?` : `${sign}${n}`);
  return (
    <div data-testid={testId}>
      <h4>{title}</h4>
      <ul className="incident-card-edits">
        {edits.files.map((f) => (
          <li key={f.path} data-testid="incident-edit">
            <code>{f.path}</code> <span className="muted">{`${lines(f.added, '+')} ${lines(f.removed, '-')}${f.untracked ? ' (new)' : ''}`}</span>
          </li>
        ))}
        {edits.more > 0 && <li className="muted">… and {edits.more} more</li>}
      </ul>
      {edits.diffTail && <OutputTail text={edits.diffTail} label={title} />}
    </div>
  );
}

function CommitList({ commits, testId }: { commits: IncidentCommit[]; testId: string }) {
  return (
    <ul className="incident-card-commits" data-testid={testId}>
      {commits.map((c) => {
        const via = describeVia(c);
        return (
          <li key={c.sha}>
            <code>{shortSha(c.sha)}</code> {c.subject} <span className="muted">— {c.author}</span>{' '}
            <span className={`incident-via${via.isOutsideGrove ? ' is-outside' : ''}`} data-testid="incident-commit-via">
              {via.text}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
