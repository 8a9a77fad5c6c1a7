import { createContext, useContext, useSyncExternalStore } from 'react';
import type { CockpitLayout, LayoutStore } from './cockpit-layout';

export const LayoutStoreContext = createContext<LayoutStore | null>(null);

export function useLayoutStore(): LayoutStore {
  const store = useContext(LayoutStoreContext);
  if (!store) throw new Error('useLayoutStore outside <LayoutStoreContext.Provider>');
  return store;
}

export function useLayout(): CockpitLayout {
  const store = useLayoutStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}
