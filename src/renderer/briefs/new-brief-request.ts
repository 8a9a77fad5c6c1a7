/**
 * "New brief" asked from outside the Briefs route (the command palette): the list opens its
 * dialog. The route loads lazily, so a request made before it is on screen waits for it.
 */
let isPending = false;
const listeners = new Set<() => void>();

export function requestNewBrief(): void {
  if (listeners.size === 0) isPending = true;
  for (const open of listeners) open();
}

/** The list listens while mounted; a request that came before it is taken at once. */
export function onNewBriefRequest(open: () => void): () => void {
  listeners.add(open);
  if (isPending) {
    isPending = false;
    open();
  }
  return () => listeners.delete(open);
}
