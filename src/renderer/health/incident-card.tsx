import { useEffect, useRef, useState } from 'react';
import type { Incident, IncidentCommit, MainEdits } from '../../shared/incidents';
import { shortSha } from '../lanes/lane-labels';
import { useFocusTarget } from '../navigation/use-route-focus';
import { formatDuration } from '../ui/time-format';
import { describeProbes, describeVia, incidentDurationMs, summarizeClosed } from './incident-labels';
import { useNow } from '../ui/use-now';

/**
 * One incident: while open, everything at once (the failing probes with their output, what
 * reached MAIN since it was last healthy, through which lane and agents); once closed, one
 * line with its duration and how MAIN recovered, the details a click away (the log mounts
 * the open incident apart from the closed ones, so one that closes folds away). Its anchor
 * (`incident-<id>`) is where a notification's route leads: it opens and is highlighted.
 */
const OUTPUT_LINES = 20;

export function IncidentCard({ incident }: { incident: Incident }) {
  const ref = useRef<HTMLElement>(null);
  const isOpen = incident.closedAt === null;
  const focusSeq = useFocusTarget({ kind: 'incident', repoId: incident.repoId, incidentId: incident.id }, ref);
  const [isExpanded, setExpanded] = useState(isOpen);
  const now = useNow(15_000, isOpen);
  useEffect(() => {
    if (focusSeq !== null) setExpanded(true);
  }, [focusSeq]);

  const opened = new Date(incident.openedAt).toLocaleString();
  return (
    <article
      ref={ref}
      id={`incident-${incident.id}`}
      className={`incident ${isOpen ? 'incident-open' : 'incident-closed'}${focusSeq !== null ? ' route-focused' : ''}`}
      data-testid="incident"
      data-incident-id={incident.id}
      data-state={isOpen ? 'open' : 'closed'}
      data-focused={focusSeq !== null ? 'true' : undefined}
      aria-label={`Incident: ${describeProbes(incident)} at ${opened}`}
    >
      <header className="incident-head">
        {isOpen ? (
          <>
            <span className="badge badge-bad">MAIN broken</span>
            <strong>{describeProbes(incident)}</strong>
            <span data-testid="incident-since">
              since <time dateTime={incident.openedAt}>{opened}</time> ({formatDuration(incidentDurationMs(incident, now))})
            </span>
          </>
        ) : (
          <button type="button" className="incident-toggle" aria-expanded={isExpanded} onClick={() => setExpanded(!isExpanded)}>
            <span className="badge badge-ok">recovered</span> <time dateTime={incident.openedAt}>{opened}</time>{' '}
            <span data-testid="incident-summary">{summarizeClosed(incident)}</span>
          </button>
        )}
      </header>
      {isExpanded && <IncidentDetails incident={incident} />}
    </article>
  );
}

function IncidentDetails({ incident }: { incident: Incident }) {
  return (
    <div className="incident-details">
      {incident.probes.map((p) => (
        <div key={p.name} className="incident-probe" data-testid="incident-probe">
          <p>
            Probe <strong>{p.name}</strong>: {p.detail}
          </p>
          {p.outputTail && <pre className="probe-output">{p.outputTail.trimEnd().split('\n').slice(-OUTPUT_LINES).join('\n')}</pre>}
        </div>
      ))}
      {incident.editsAtOpen && <EditList title="Uncommitted edits in MAIN when it broke" edits={incident.editsAtOpen} testId="incident-edits" />}
      <h4>What reached MAIN since it was last healthy</h4>
      {incident.lastHealthyAt === null ? (
        <p className="hint">MAIN was never healthy while Grove watched it, so there is nothing to compare with.</p>
      ) : incident.commits.length === 0 ? (
        <p className="hint" data-testid="incident-no-commits">
          Nothing: MAIN was at <code>{shortSha(incident.lastHealthyHead)}</code> when it was last healthy ({new Date(incident.lastHealthyAt).toLocaleString()}) and
          still is.{' '}
          {incident.editsAtOpen
            ? 'Its uncommitted edits (above) are the first suspect.'
            : 'Look outside the code: a service, the database, the environment.'}
        </p>
      ) : (
        <>
          <p className="hint">
            Last healthy {new Date(incident.lastHealthyAt).toLocaleString()} at <code>{shortSha(incident.lastHealthyHead)}</code>; broken at{' '}
            <code>{shortSha(incident.headAtOpen)}</code>.
          </p>
          <CommitList commits={incident.commits} testId="incident-commits" />
        </>
      )}
      {incident.recovery && (
        <div className="incident-recovery" data-testid="incident-recovery">
          <h4>How it recovered</h4>
          <p>
            <time dateTime={incident.recovery.at}>{new Date(incident.recovery.at).toLocaleString()}</time>: {incident.recovery.how}
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
  const count = (n: number | null, sign: string): string => (n === null ? `${sign}?` : `${sign}${n}`);
  return (
    <div data-testid={testId}>
      <h4>{title}</h4>
      <ul className="incident-edits">
        {edits.files.map((f) => (
          <li key={f.path} data-testid="incident-edit">
            <code>{f.path}</code> <span className="muted">{`${count(f.added, '+')} ${count(f.removed, '-')}${f.untracked ? ' (new)' : ''}`}</span>
          </li>
        ))}
        {edits.more > 0 && <li className="muted">… and {edits.more} more</li>}
      </ul>
      {edits.diffTail && <pre className="probe-output">{edits.diffTail.trimEnd().split('\n').slice(-OUTPUT_LINES).join('\n')}</pre>}
    </div>
  );
}

function CommitList({ commits, testId }: { commits: IncidentCommit[]; testId: string }) {
  return (
    <ul className="incident-commits" data-testid={testId}>
      {commits.map((c) => {
        const via = describeVia(c);
        return (
          <li key={c.sha}>
            <code>{shortSha(c.sha)}</code> {c.subject} <span className="muted">— {c.author}</span>{' '}
            <span className={via.isOutsideGrove ? 'tag tag-pending' : 'tag'} data-testid="incident-commit-via">
              {via.text}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
