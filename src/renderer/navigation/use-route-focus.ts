import { createContext, useContext, useEffect, useSyncExternalStore, type RefObject } from 'react';
import { routeFor, type UiRoute } from '../../shared/ui-route';
import { isFocusOn } from './route-focus';
import type { RouteFocus, RouteStore } from './route-store';

export const RouteStoreContext = createContext<RouteStore | null>(null);

export function useRouteStore(): RouteStore {
  const store = useContext(RouteStoreContext);
  if (!store) throw new Error('useRouteStore outside <RouteStoreContext.Provider>');
  return store;
}

export function useRouteFocus(): RouteFocus | null {
  const store = useRouteStore();
  return useSyncExternalStore(store.subscribe, store.getSnapshot);
}

/**
 * Whether the operator was sent to `target`: the navigation's number while they were (so a
 * second visit can be told from the first), null otherwise. Scrolls `ref` into view once per
 * navigation, as soon as the element is there (`isReady`: an agent may arrive after the
 * route, on a fresh page load).
 */
export function useFocusTarget(target: UiRoute | null, ref: RefObject<HTMLElement | null>, isReady = true): number | null {
  const focus = useRouteFocus();
  const seq = target !== null && isFocusOn(focus, target) ? focus!.seq : null;
  useEffect(() => {
    if (seq === null || !isReady) return;
    ref.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [seq, ref, isReady]);
  return seq;
}

/**
 * Sends the operator to `target` the one way every caller shares: through the URL's hash,
 * so the place can be reloaded and bookmarked. Setting the hash it already has fires no
 * hashchange, so the route is then followed directly.
 */
export function navigateTo(routes: RouteStore, target: UiRoute): void {
  const hash = routeFor(target);
  if (window.location.hash === hash) routes.follow(target);
  else window.location.hash = hash;
}
