import { FormError } from './form-error';
import { X } from 'lucide-react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useWrite } from './use-write';
import type { Brief } from '../../shared/briefs';
import { BriefRefLink } from './brief-ref-link';
import { BriefSection } from './brief-section';
import { useBriefNames } from './use-brief-names';
import type { OpenBrief } from './use-brief';
import { usePublishBriefItems } from './brief-page-items';
import { useBriefItemRequest, type BriefPart } from './brief-part-requests';
import { useBriefPartForm } from './use-brief-part-form';
import { briefName } from './brief-labels';

/**
 * "epic · dependencies": the epic parent and what this brief waits on, with their status.
 * The operator sets the parent and adds dependencies by reference (#N); a cycle is refused
 * by the host, which names it, and the page shows its words.
 */
export function RelationshipsSection({ brief, append }: { brief: Brief; append: OpenBrief['append'] }) {
  const names = useBriefNames([...(brief.parentId ? [brief.parentId] : []), ...brief.dependsOn]);
  // The palette's "Remove #N's dependency on #M", one per dependency.
  const dependencies = useMemo(
    () =>
      brief.dependsOn.map((id) => {
        const name = names.get(id);
        return { id, label: name ? briefName(name) : id };
      }),
    [brief.dependsOn, names],
  );
  usePublishBriefItems('dependencies', dependencies);
  useBriefItemRequest('remove-dependency', (id) => brief.dependsOn.includes(id) && void append({ kind: 'dependency_removed', on: id }));
  return (
    <BriefSection eyebrow="epic · dependencies" title="Relationships" testId="brief-relationships">
      <h3 className="brief-subhead">epic parent</h3>
      {brief.parentId ? (
        <p className="brief-side-line">
          <BriefRefLink name={names.get(brief.parentId)} id={brief.parentId} />
        </p>
      ) : (
        <p className="muted brief-side-line">none</p>
      )}
      <h3 className="brief-subhead">depends on</h3>
      {brief.dependsOn.length === 0 ? (
        <p className="muted brief-side-line" data-testid="no-dependencies">
          No dependencies — dispatchable once planned.
        </p>
      ) : (
        <ul className="brief-side-list" data-testid="dependencies">
          {brief.dependsOn.map((id) => (
            <li key={id}>
              <BriefRefLink name={names.get(id)} id={id} />
              <button type="button" className="icon-button link-remove" onClick={() => void append({ kind: 'dependency_removed', on: id })} aria-label={`Remove dependency on ${names.get(id)?.title ?? id}`} title="Remove dependency">
                <X size={13} aria-hidden />
              </button>
            </li>
          ))}
        </ul>
      )}
      <RefForm part="parent" label="Set parent" placeholder="#N" allowEmpty onSubmit={(ref) => append({ kind: 'parent_set', parent: ref === '' ? null : ref })} testId="set-parent" />
      <RefForm part="dependency" label="Add dependency" placeholder="#N" onSubmit={(ref) => append({ kind: 'dependency_added', on: ref })} testId="add-dependency" />
    </BriefSection>
  );
}

function RefForm({ part, label, placeholder, onSubmit, allowEmpty, testId }: { part: BriefPart; label: string; placeholder: string; onSubmit: (ref: string) => ReturnType<OpenBrief['append']>; allowEmpty?: boolean; testId: string }) {
  const id = useId();
  const form = useBriefPartForm(part);
  const [ref, setRef] = useState('');
  const write = useWrite();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    write.run(() => onSubmit(ref.trim()), () => setRef(''));
  };
  return (
    <form ref={form} className="brief-inline-form" onSubmit={submit} data-testid={testId}>
      <label htmlFor={id}>{label}</label>
      <input id={id} value={ref} onChange={(e) => setRef(e.target.value)} placeholder={placeholder} size={8} title={allowEmpty ? 'Empty clears it' : undefined} />
      <button type="submit" disabled={!allowEmpty && ref.trim() === ''}>
        {label.split(' ')[0]}
      </button>
      <FormError message={write.error} />
    </form>
  );
}
