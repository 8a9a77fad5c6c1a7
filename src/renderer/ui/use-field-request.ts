import { useRef, type RefObject } from 'react';
import { useViewRequest } from './use-view-request';

/**
 * A form the palette can ask for (view-requests.ts): give the returned ref to the form, and
 * on a request for `key` its first field takes the keys, scrolled into view.
 */
export function useFieldRequest(on: (key: string, listener: (request: void) => void) => () => void, key: string): RefObject<HTMLFormElement | null> {
  const form = useRef<HTMLFormElement>(null);
  useViewRequest<void>(on, key, () => {
    const field = form.current?.querySelector<HTMLElement>('textarea, input, select');
    field?.scrollIntoView({ block: 'nearest' });
    field?.focus();
  });
  return form;
}
