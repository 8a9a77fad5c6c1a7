/** Puts the keys in the first field of `container` (a form a command opened), scrolled into view. */
export function focusFirstField(container: HTMLElement | null): void {
  const field = container?.querySelector<HTMLElement>('textarea, input, select');
  field?.scrollIntoView({ block: 'nearest' });
  field?.focus();
}
