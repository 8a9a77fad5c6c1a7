import { useEffect } from 'react';
import type { HostStore } from '../connection/host-store';
import type { RouteStore } from '../navigation/route-store';
import { WebNotifier } from './web-notifier';

/** Hands every `notification` event to the browser's notifier, saying whether it is live or replayed. */
export function useWebNotifications(store: HostStore, routes: RouteStore): void {
  useEffect(() => {
    const notifier = new WebNotifier(routes);
    return store.onNotification((n, isLive) => notifier.offer(n, isLive));
  }, [store, routes]);
}
