import { useState } from 'react';
import { shellBridge } from '../shell/shell-bridge';
import { permissionPromptOf } from './web-notification-policy';
import { askNotifyPermission, useNotifyPermission } from './notify-permission';

/**
 * Asks for the browser's permission to notify, once, with the reason, and only when the
 * operator clicks: a permission request on page load is noise browsers now hide anyway.
 * "Not now" is remembered in this browser.
 */
const NOT_NOW_KEY = 'grove.notifications.notNow';

function isNotNow(): boolean {
  try {
    return window.localStorage.getItem(NOT_NOW_KEY) === '1';
  } catch {
    return false; // storage disabled: ask again next time rather than never
  }
}

export function PermissionPrompt() {
  const permission = useNotifyPermission();
  const [isDismissed, setDismissed] = useState(isNotNow);
  const prompt = permissionPromptOf({ hasShell: shellBridge() !== undefined, permission, isDismissed });
  if (prompt === 'hidden') return null;
  if (prompt === 'blocked') {
    return (
      <p className="hint" data-testid="notify-blocked">
        This browser blocks Grove's notifications. To hear when MAIN breaks with the tab in the background, allow notifications in the site's settings.
      </p>
    );
  }
  const allow = (): void => void askNotifyPermission();
  const notNow = (): void => {
    try {
      window.localStorage.setItem(NOT_NOW_KEY, '1');
    } catch {
      /* remembered for this page only */
    }
    setDismissed(true);
  };
  return (
    <div className="notify-prompt" data-testid="notify-prompt">
      <p>Let this browser notify you when MAIN breaks or recovers, or an agent needs you, even while the tab is in the background.</p>
      <button type="button" className="primary" onClick={allow}>
        Allow notifications
      </button>
      <button type="button" onClick={notNow}>
        Not now
      </button>
    </div>
  );
}
