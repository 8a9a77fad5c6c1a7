import { useSyncExternalStore } from 'react';

/**
 * A value kept for the life of the page (not saved across reloads), shared by whoever reads
 * it: `get` and `set` outside React, `use` inside, re-rendering readers when it changes.
 */
export interface PageValue<T> {
  get(): T;
  set(next: T): void;
  use(): T;
}

export function pageValue<T>(initial: T): PageValue<T> {
  let value = initial;
  const listeners = new Set<() => void>();
  const subscribe = (l: () => void): (() => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return {
    get: () => value,
    set(next) {
      if (Object.is(next, value)) return;
      value = next;
      for (const l of listeners) l();
    },
    use: () => useSyncExternalStore(subscribe, () => value),
  };
}
