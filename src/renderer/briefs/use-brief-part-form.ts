import type { RefObject } from 'react';
import { useFieldRequest } from '../ui/use-field-request';
import { onBriefPartRequest, type BriefPart } from './brief-part-requests';

/**
 * A form of the brief's page the palette can ask for (the status, a note, the dispatch): give
 * the returned ref to the form, and its first field takes the keys, scrolled into view, on
 * the palette's request.
 */
export function useBriefPartForm(part: BriefPart): RefObject<HTMLFormElement | null> {
  return useFieldRequest(onBriefPartRequest, part);
}
