import type { Notification } from '../../shared/notifications';
import type { RouteStore } from '../navigation/route-store';
import { navigateTo } from '../navigation/use-route-focus';
import { shellBridge } from '../shell/shell-bridge';
import { EMPTY_POPUP_STATE, type PopupState } from '../../shared/notification-popup';
import { getVisibleWorkspace } from './visible-workspace';
import { webNotificationFor, type WebPermission } from './web-notification-policy';

/**
 * Shows the browser's notifications (the edge: web-notification-policy.ts decides which).
 * A click brings the window forward and follows the notification's route.
 */
export function webPermission(): WebPermission {
  return typeof window.Notification === 'function' ? window.Notification.permission : 'unsupported';
}

export class WebNotifier {
  private readonly shown = new Set<string>();
  private popups: PopupState = EMPTY_POPUP_STATE;

  constructor(private readonly routes: RouteStore) {}

  offer(n: Notification, isLive: boolean): void {
    const decided = webNotificationFor(n, {
      isLive,
      hasShell: shellBridge() !== undefined,
      permission: webPermission(),
      wasShown: this.shown.has(n.id),
      viewer: { isFocused: document.hasFocus(), visibleWorkspace: getVisibleWorkspace() },
      popups: this.popups,
      now: Date.now(),
    });
    this.popups = decided.popups;
    const spec = decided.spec;
    if (!spec) return;
    this.shown.add(n.id);
    const shown = new window.Notification(spec.title, { body: spec.body, tag: spec.tag, requireInteraction: spec.requireInteraction });
    shown.onclick = () => {
      window.focus();
      navigateTo(this.routes, n.target);
      shown.close();
    };
  }
}
