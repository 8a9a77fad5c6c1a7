/**
 * Focuses an element as it is inserted: `ref={focusOnMount}` where React code would write
 * `autoFocus`. The UI runs on Preact (preact/compat), which only sets the autofocus
 * attribute, and the browser honours that at page load, not for an element a render adds
 * later (a find bar, a dialog's field). Module-level, so the ref never changes and the
 * element is focused once, not on every render.
 */
export function focusOnMount(el: HTMLElement | null): void {
  el?.focus();
}
