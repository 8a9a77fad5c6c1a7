import { useEffect } from 'react';
import { parseRoute } from '../../shared/ui-route';
import { shellBridge } from '../shell/shell-bridge';
import { targetOfShellRoute } from './route-focus';
import type { RouteStore } from './route-store';
import { navigateTo } from './use-route-focus';

/**
 * Follows routes from wherever they come: the URL's hash on load and whenever it changes
 * (a browser notification's click, a link), and the Electron shell's `onNavigate` (a native
 * notification's click) when the bridge has it. The bridge's method is optional on
 * purpose: an older shell, or the browser, simply does not send routes.
 */
type NavigatingBridge = { onNavigate?: (listener: (route: unknown) => void) => unknown };

export function useRouteFollowing(routes: RouteStore): void {
  useEffect(() => {
    const followHash = (): void => routes.follow(parseRoute(window.location.hash));
    followHash();
    window.addEventListener('hashchange', followHash);
    const bridge = shellBridge() as NavigatingBridge | undefined;
    const off =
      typeof bridge?.onNavigate === 'function'
        ? bridge.onNavigate((route) => {
            const target = targetOfShellRoute(route);
            if (target) navigateTo(routes, target);
          })
        : undefined;
    return () => {
      window.removeEventListener('hashchange', followHash);
      if (typeof off === 'function') (off as () => void)();
    };
  }, [routes]);
}
