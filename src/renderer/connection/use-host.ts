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
