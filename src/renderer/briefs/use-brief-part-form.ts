import { useRef, type RefObject } from 'react';
import { useBriefPartRequest, type BriefPart } from './brief-part-requests';

/**
 * A form of the brief's page the palette can ask for (the status, a note, the dispatch): give
 * the returned ref to the form, and its first field takes the keys, scrolled into view, on
 * the palette's request.
 */
export function useBriefPartForm(part: BriefPart): RefObject<HTMLFormElement | null> {
  const form = useRef<HTMLFormElement>(null);
  useBriefPartRequest(part, () => {
    const field = form.current?.querySelector<HTMLElement>('textarea, input, select');
    field?.scrollIntoView({ block: 'nearest' });
    field?.focus();
  });
  return form;
}
