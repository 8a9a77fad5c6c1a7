import { FormError } from './form-error';
import { Pencil } from 'lucide-react';
import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { useBriefPartRequest } from './brief-part-requests';
import { useBriefPartForm } from './use-brief-part-form';
import { useWrite } from './use-write';
import { BRIEF_KINDS, BRIEF_STATUSES, MAX_TITLE, type BriefKindName, type BriefStatusName } from '../../shared/brief-constants';
import type { Brief } from '../../shared/briefs';
import { routeFor } from '../../shared/ui-route';
import { statusLabel } from './brief-labels';
import { BriefNumber } from './brief-number';
import { BriefStatusBadge } from './brief-status-badge';
import { setBriefFilters } from './use-brief-filters';
import type { OpenBrief } from './use-brief';

/**
 * The top of a brief's page, as the seed reads: "flower / All briefs", the title, then
 * status, kind and project. The operator moves the status (with a reason, kept in the
 * trace) and edits the title and kind; each change is an entry.
 */
export function BriefHeader({ brief, append }: { brief: Brief; append: OpenBrief['append'] }) {
  const [isEditing, setEditing] = useState(false);
  useBriefPartRequest('details', () => setEditing(true));
  const primary = brief.projects.find((p) => p.primary)?.name ?? brief.projects[0]?.name ?? null;
  return (
    <header className="brief-header" data-testid="brief-header">
      <nav aria-label="Breadcrumb" className="brief-crumbs">
        {primary && (
          <>
            <a href={routeFor({ kind: 'briefs' })} onClick={() => setBriefFilters({ project: primary })}>
              {primary}
            </a>
            <span aria-hidden> / </span>
          </>
        )}
        <a href={routeFor({ kind: 'briefs' })} onClick={() => setBriefFilters({ project: null })}>
          All briefs
        </a>
      </nav>
      {isEditing ? (
        <DetailsForm brief={brief} append={append} onDone={() => setEditing(false)} />
      ) : (
        <div className="brief-title-row">
          <h1 data-testid="brief-title">
            <BriefNumber className="brief-number" number={brief.number} provisional={brief.numberProvisional} /> {brief.title}
          </h1>
          <button type="button" className="icon-button" aria-label="Edit title and kind" title="Edit title and kind" onClick={() => setEditing(true)}>
            <Pencil size={15} aria-hidden />
          </button>
        </div>
      )}
      <div className="brief-facts">
        <BriefStatusBadge status={brief.status} />
        <span className="brief-kind" data-testid="brief-kind">
          {brief.kind}
        </span>
        {brief.projects.map((p) => (
          <span key={p.name} className="brief-project-chip">
            {p.name}
          </span>
        ))}
        <StatusControl brief={brief} append={append} />
      </div>
    </header>
  );
}

function DetailsForm({ brief, append, onDone }: { brief: Brief; append: OpenBrief['append']; onDone: () => void }) {
  const id = useId();
  const [title, setTitle] = useState(brief.title);
  const [kind, setKind] = useState<BriefKindName>(brief.kind);
  const write = useWrite();
  // The palette's "Edit #N's title and kind" with this form open already: the keys go back to it.
  const titleField = useRef<HTMLInputElement>(null);
  useBriefPartRequest('details', () => titleField.current?.focus());
  // Opened, it takes the keys (focus-on-mount.ts says why this is not autoFocus).
  useLayoutEffect(() => titleField.current?.focus(), []);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const change = { ...(title.trim() !== brief.title ? { title: title.trim() } : {}), ...(kind !== brief.kind ? { briefKind: kind } : {}) };
    if (Object.keys(change).length === 0) return onDone();
    write.run(() => append({ kind: 'details_changed', ...change }), onDone);
  };
  return (
    <form className="brief-details-form" onSubmit={submit}>
      <label htmlFor={`${id}-title`} className="visually-hidden">
        Title
      </label>
      <input
        id={`${id}-title`}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        maxLength={MAX_TITLE}
        required
        ref={titleField}
      />
      <label htmlFor={`${id}-kind`} className="visually-hidden">
        Kind
      </label>
      <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as BriefKindName)}>
        {BRIEF_KINDS.map((k) => (
          <option key={k}>{k}</option>
        ))}
      </select>
      <button type="submit" className="primary">
        Save
      </button>
      <button type="button" onClick={onDone}>
        Cancel
      </button>
      <FormError message={write.error} />
    </form>
  );
}

function StatusControl({ brief, append }: { brief: Brief; append: OpenBrief['append'] }) {
  const id = useId();
  const [to, setTo] = useState<BriefStatusName | ''>('');
  const [reason, setReason] = useState('');
  const write = useWrite();
  const form = useBriefPartForm('status');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (to === '') return;
    write.run(() => append({ kind: 'status_change', to, ...(reason.trim() ? { reason: reason.trim() } : {}) }), () => {
      setTo('');
      setReason('');
    });
  };
  return (
    <form className="brief-status-form" onSubmit={submit} data-testid="status-form" ref={form}>
      <label htmlFor={`${id}-to`}>Move to</label>
      <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value as BriefStatusName | '')}>
        <option value="">…</option>
        {BRIEF_STATUSES.filter((s) => s !== brief.status).map((s) => (
          <option key={s} value={s}>
            {statusLabel(s)}
          </option>
        ))}
      </select>
      {to !== '' && (
        <>
          <label htmlFor={`${id}-reason`} className="visually-hidden">
            Reason (optional)
          </label>
          <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason (optional)" />
          <button type="submit">Change status</button>
        </>
      )}
      <FormError message={write.error} />
    </form>
  );
}
