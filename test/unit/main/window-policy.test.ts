import { describe, expect, it } from 'vitest';
import { decideNavigation, decidePermission, decideWindowOpen, WEB_PREFERENCES } from '../../../src/main/window-policy';

const host = 'http://127.0.0.1:4100';

describe('window policy', () => {
  it('runs the page sandboxed, isolated and without Node', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  });

  it('navigates only within the host', () => {
    expect(decideNavigation('http://127.0.0.1:4100/', host)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:4100/auth?token=x', host)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:4101/', host)).toBe('deny');
    expect(decideNavigation('https://evil.example/', host)).toBe('deny');
    expect(decideNavigation('file:///etc/passwd', host)).toBe('deny');
    expect(decideNavigation('not a url', host)).toBe('deny');
  });

  it('never opens a window; sends only web links to the browser', () => {
    expect(decideWindowOpen('https://github.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('smb://host/share')).toEqual({ action: 'deny', openExternally: false });
  });

  it('grants the page nothing, not even Web Notifications: the shell shows notifications natively', () => {
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) expect(decidePermission(p), p).toBe(false);
  });
});
