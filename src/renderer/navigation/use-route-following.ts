import { useEffect } from 'react';
import { parseRoute } from '../../shared/ui-route';
import { shellBridge } from '../shell/shell-bridge';
import type { RouteStore } from './route-store';
import { navigateTo } from './use-route-focus';

/**
 * Follows routes from wherever they come: the URL's hash on load and whenever it changes
 * (a browser notification's click, a link), and the Electron shell's `onNavigate` (a native
 * notification's or a tray item's click). A shell's route goes through the hash too, so
 * reloading the window keeps the place. The bridge's method is checked, not assumed: a
 * shell older than the page has none.
 */
export function useRouteFollowing(routes: RouteStore): void {
  useEffect(() => {
    const followHash = (): void => routes.follow(parseRoute(window.location.hash));
    followHash();
    window.addEventListener('hashchange', followHash);
    const bridge = shellBridge();
    const stopListening =
      typeof bridge?.onNavigate === 'function'
        ? bridge.onNavigate((route) => {
            const target = parseRoute(route);
            if (target) navigateTo(routes, target);
          })
        : undefined;
    return () => {
      window.removeEventListener('hashchange', followHash);
      stopListening?.();
    };
  }, [routes]);
}
