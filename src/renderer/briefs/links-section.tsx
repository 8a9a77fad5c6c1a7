import { FormError } from './form-error';
import { X } from 'lucide-react';
import { useId, useMemo, useState, type FormEvent } from 'react';
import { useWrite } from './use-write';
import { LINK_TYPES } from '../../shared/brief-constants';
import type { Brief, BriefLink, LinkType } from '../../shared/briefs';
import { parseRoute } from '../../shared/ui-route';
import { BriefRefLink } from './brief-ref-link';
import { useBriefNames } from './use-brief-names';
import { BriefSection } from './brief-section';
import { safeHref } from './markdown-policy';
import type { OpenBrief } from './use-brief';
import { usePublishBriefItems } from './brief-page-items';
import { useBriefItemRequest } from './brief-part-requests';
import { useBriefPartForm } from './use-brief-part-form';
import { briefName } from './brief-labels';

/** Where a link's target leads on this page, if anywhere: a web address, or a route of Grove's. */
function hrefOf(link: BriefLink): string | null {
  if (link.target.startsWith('#/')) return parseRoute(link.target) ? link.target : null;
  return safeHref(link.target);
}

/**
 * "trace · graph": newest first, what the brief is linked to (lanes, agent runs, merges, incidents,
 * commits, web pages, other briefs), each with its label ("execution"). The operator adds
 * and removes links; each is an entry in the trace.
 */
export function LinksSection({ brief, append }: { brief: Brief; append: OpenBrief['append'] }) {
  // The host keeps a brief link's target as the brief's id: show its number and title.
  const names = useBriefNames(brief.links.filter((l) => l.type === 'brief').map((l) => l.target));
  // The palette's "Remove #N's link …", one per link.
  const links = useMemo(
    () =>
      brief.links.map((l) => {
        const name = l.type === 'brief' ? names.get(l.target) : undefined;
        return { id: l.id, label: `${l.type} ${name ? briefName(name) : l.target}${l.label ? ` (${l.label})` : ''}` };
      }),
    [brief.links, names],
  );
  usePublishBriefItems('links', links);
  useBriefItemRequest('remove-link', (id) => brief.links.some((l) => l.id === id) && void append({ kind: 'link_removed', linkId: id }));
  return (
    <BriefSection eyebrow="trace · graph" title="Links" testId="brief-links">
      {brief.links.length === 0 ? (
        <p className="muted brief-side-line">No links yet.</p>
      ) : (
        <ul className="brief-side-list brief-links">
          {[...brief.links].reverse().map((l) => {
            const href = hrefOf(l);
            return (
              <li key={l.id} data-testid="brief-link">
                <span className="link-type">{l.type}</span>{' '}
                {l.type === 'brief' ? (
                  <BriefRefLink name={names.get(l.target)} id={l.target} />
                ) : href ? (
                  <a href={href} title={l.target} {...(href.startsWith('#/') ? {} : { target: '_blank', rel: 'noopener noreferrer' })}>
                    {l.target.replace(/^https?:\/\//, '')}
                  </a>
                ) : (
                  <span className="link-target">{l.target}</span>
                )}
                {l.label && <span className="link-label">{l.label}</span>}
                <button type="button" className="icon-button link-remove" onClick={() => void append({ kind: 'link_removed', linkId: l.id })} aria-label={`Remove link ${l.target}`} title="Remove link">
                  <X size={13} aria-hidden />
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <AddLinkForm append={append} />
    </BriefSection>
  );
}

function AddLinkForm({ append }: { append: OpenBrief['append'] }) {
  const id = useId();
  const [type, setType] = useState<LinkType>('url');
  const [target, setTarget] = useState('');
  const [label, setLabel] = useState('');
  const write = useWrite();
  const form = useBriefPartForm('link');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    write.run(() => append({ kind: 'link_added', type, target: target.trim(), ...(label.trim() ? { label: label.trim() } : {}) }), () => {
      setTarget('');
      setLabel('');
    });
  };
  return (
    <form ref={form} className="brief-link-form" onSubmit={submit} data-testid="add-link">
      <label htmlFor={`${id}-type`} className="visually-hidden">
        Link type
      </label>
      <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value as LinkType)}>
        {LINK_TYPES.map((t) => (
          <option key={t}>{t}</option>
        ))}
      </select>
      <label htmlFor={`${id}-target`} className="visually-hidden">
        Target
      </label>
      <input id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)} placeholder={type === 'url' ? 'https://…' : type === 'brief' ? '#N' : 'target'} />
      <label htmlFor={`${id}-label`} className="visually-hidden">
        Label
      </label>
      <input id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)} placeholder="label" size={10} />
      <button type="submit" disabled={write.isBusy || target.trim() === ''}>
        Add link
      </button>
      <FormError message={write.error} />
    </form>
  );
}
