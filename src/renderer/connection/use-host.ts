import { createContext, useContext, useSyncExternalStore } from 'react';
import type { HostSnapshot, HostStore } from './host-store';

export const HostStoreContext = createContext<HostStore | null>(null);

export function useHostStore(): HostStore {
  const store = useContext(HostStoreContext);
  if (!store) throw new Error('useHostStore outside <HostStoreContext.Provider>');
  return store;
}

export function useHost(): HostSnapshot {
  const store = useHostStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * Whether the host's stream is open; re-renders only when that changes. A read keyed on it
 * is made again after a reconnect: events sent while the socket was down are not replayed
 * (the stream resumes from the newest), so what they would have changed is asked for anew.
 */
export function useIsConnected(): boolean {
  const store = useHostStore();
  return useSyncExternalStore(store.subscribe, () => store.getSnapshot().connection.kind === 'open');
}
