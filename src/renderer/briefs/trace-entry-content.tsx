import { entrySummary } from '../../shared/brief-entry-text';
import type { Brief, BriefAttachment, BriefEntry } from '../../shared/briefs';
import { AttachmentImage } from './attachments/attachment-image';
import { actorLabel, statusLabel } from './brief-labels';
import { BriefRefLink } from './brief-ref-link';
import { SafeMarkdown } from './safe-markdown';
import type { BriefName } from './use-brief-names';

/** The ids of other briefs an entry mentions: the page reads their names. */
export function briefIdsIn(entry: BriefEntry): string[] {
  if (!entry.payload) return [];
  switch (entry.kind) {
    case 'dependency_added':
    case 'dependency_removed':
      return [entry.payload.briefId];
    case 'parent_set':
      return entry.payload.parentId ? [entry.payload.parentId] : [];
    case 'link_added':
      // The host stores a brief link's target as the brief's id.
      return entry.payload.type === 'brief' ? [entry.payload.target] : [];
    default:
      return [];
  }
}

/**
 * What an entry says, by kind: notes and comments as markdown (the same safe rules as the
 * spec), a refinement's diff folded away, a proposed plan with the operator's "Accept plan",
 * a status change as "from → to: reason", a redacted entry as its tombstone.
 */
export function TraceEntryContent({ entry, brief, names, isPlanAccepted, onAcceptPlan }: { entry: BriefEntry; brief: Brief; names: ReadonlyMap<string, BriefName | null>; isPlanAccepted: boolean; onAcceptPlan: (planEntryId: string) => void }) {
  if (entry.redacted) {
    return (
      <p className="trace-tombstone" data-testid="trace-tombstone">
        redacted by {actorLabel(entry.redacted.by)}: {entry.redacted.reason}
      </p>
    );
  }
  if (entry.payload === null) return <p className="muted">(no content)</p>;
  switch (entry.kind) {
    case 'created':
      return (
        <p className="trace-line">
          {entry.payload.kind} “{entry.payload.title}”, {statusLabel(entry.payload.status)}
          {entry.payload.projects.length > 0 && ` in ${entry.payload.projects.map((p) => p.name).join(', ')}`}
        </p>
      );
    case 'note':
    case 'comment':
      return <SafeMarkdown text={entry.payload.text} className="trace-text" />;
    case 'refinement':
      return (
        <details className="trace-fold">
          <summary>Spec edited: show the diff</summary>
          <pre className="trace-diff">{entry.payload.diff || '(no textual change)'}</pre>
        </details>
      );
    case 'spec_snapshot':
      return (
        <details className="trace-fold">
          <summary>Spec snapshot{entry.payload.reason ? `: ${entry.payload.reason}` : ''}</summary>
          <SafeMarkdown text={entry.payload.spec} className="trace-text" />
        </details>
      );
    case 'plan_proposed':
      return (
        <div className="trace-plan">
          {entry.payload.summary && <p className="trace-line">{entry.payload.summary}</p>}
          <details className="trace-fold">
            <summary>The plan</summary>
            <SafeMarkdown text={entry.payload.spec} className="trace-text" />
          </details>
          {isPlanAccepted ? (
            <p className="muted">Accepted.</p>
          ) : (
            <button type="button" className="primary" onClick={() => onAcceptPlan(entry.id)} data-testid="accept-plan">
              Accept plan
            </button>
          )}
        </div>
      );
    case 'plan_accepted':
      return <p className="trace-line">The proposed plan became the spec.</p>;
    case 'status_change':
      return (
        <p className="trace-line">
          {statusLabel(entry.payload.from)} → {statusLabel(entry.payload.to)}
          {entry.payload.reason ? `: ${entry.payload.reason}` : ''}
        </p>
      );
    case 'details_changed':
      return (
        <p className="trace-line">
          {[entry.payload.title !== undefined && `title → “${entry.payload.title}”`, entry.payload.kind !== undefined && `kind → ${entry.payload.kind}`].filter(Boolean).join('; ')}
        </p>
      );
    case 'projects_set':
      return <p className="trace-line">{entry.payload.projects.map((p) => (p.primary ? `${p.name} · primary` : p.name)).join(', ')}</p>;
    case 'link_added':
      return (
        <p className="trace-line">
          {entry.payload.label && <span className="link-label">{entry.payload.label}</span>} {entry.payload.type}:{' '}
          {entry.payload.type === 'brief' ? <BriefRefLink name={names.get(entry.payload.target)} id={entry.payload.target} withStatus={false} /> : entry.payload.target}
        </p>
      );
    case 'link_removed':
      return <p className="trace-line">{entry.payload.reason ?? 'a link was removed'}</p>;
    case 'participant_joined':
      return (
        <p className="trace-line">
          {entry.payload.name} ({entry.payload.kind}, {entry.payload.role}
          {entry.payload.wave !== null ? `, wave ${entry.payload.wave}` : ''})
        </p>
      );
    case 'participant_left':
      return (
        <p className="trace-line">
          {entry.payload.name}
          {entry.payload.reason ? `: ${entry.payload.reason}` : ''}
        </p>
      );
    case 'dependency_added':
    case 'dependency_removed':
      return (
        <p className="trace-line">
          {entry.kind === 'dependency_added' ? 'depends on ' : 'no longer depends on '}
          <BriefRefLink name={names.get(entry.payload.briefId)} id={entry.payload.briefId} withStatus={false} />
        </p>
      );
    case 'parent_set':
      return (
        <p className="trace-line">
          {entry.payload.parentId ? (
            <>
              epic parent <BriefRefLink name={names.get(entry.payload.parentId)} id={entry.payload.parentId} withStatus={false} />
            </>
          ) : (
            'epic parent cleared'
          )}
        </p>
      );
    case 'attachment_added':
      return <AttachmentImage attachment={attachmentOf(entry, brief)} />;
    case 'redaction':
      return <p className="trace-line">redacted an entry: {entry.payload.reason}</p>;
    case 'renumbered':
      return (
        <p className="trace-line">
          #{entry.payload.from} → #{entry.payload.to}
        </p>
      );
    case 'numbered':
      return <p className="trace-line">#{entry.payload.number}, given by the shared store</p>;
    case 'dispatch_requested':
    case 'claimed':
    case 'claim_released':
      return <p className="trace-line">{entrySummary(entry)}</p>;
  }
}

function attachmentOf(entry: Extract<BriefEntry, { kind: 'attachment_added' }>, brief: Brief): BriefAttachment {
  const known = brief.attachments.find((a) => a.entryId === entry.id);
  if (known) return known;
  const p = entry.payload!;
  return { id: p.attachmentId, entryId: entry.id, sha256: p.sha256, name: p.name, type: p.type, size: p.size, addedBy: entry.actor, at: entry.at };
}
