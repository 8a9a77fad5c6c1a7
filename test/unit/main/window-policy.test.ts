import { describe, expect, it } from 'vitest';
import { decideExternalOpen, decideNavigation, decidePermission, decideWindowOpen, isLoginPage, WEB_PREFERENCES } from '../../../src/main/window-policy';

const host = 'http://127.0.0.1:4100';

describe('window policy', () => {
  it('runs the page sandboxed, isolated and without Node', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
  });

  it('navigates only within the host', () => {
    expect(decideNavigation('http://127.0.0.1:4100/', host)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:4100/auth?code=x', host)).toBe('allow');
    expect(decideNavigation('http://127.0.0.1:4101/', host)).toBe('deny');
    expect(decideNavigation('https://evil.example/', host)).toBe('deny');
    expect(decideNavigation('file:///etc/passwd', host)).toBe('deny');
    expect(decideNavigation('not a url', host)).toBe('deny');
  });

  it("knows the host's login pages (the hand-off, the page after a session ended) from the UI", () => {
    expect(isLoginPage('http://127.0.0.1:4100/auth?code=x#/brief/3', host)).toBe(true);
    expect(isLoginPage('http://127.0.0.1:4100/auth', host)).toBe(true);
    expect(isLoginPage('http://127.0.0.1:4100/#/brief/3', host)).toBe(false);
    expect(isLoginPage('http://127.0.0.1:4101/auth', host)).toBe(false);
    expect(isLoginPage('', host)).toBe(false);
  });

  it('never opens a window; sends only web links to the browser', () => {
    expect(decideWindowOpen('https://github.com/')).toEqual({ action: 'deny', openExternally: true });
    expect(decideWindowOpen('file:///etc/passwd')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('javascript:alert(1)')).toEqual({ action: 'deny', openExternally: false });
    expect(decideWindowOpen('smb://host/share')).toEqual({ action: 'deny', openExternally: false });
  });

  it('opens only http and https links the page hands over (a terminal\'s web link) in the browser', () => {
    expect(decideExternalOpen('https://github.com/grove/grove/pull/12')).toEqual({ open: true, url: 'https://github.com/grove/grove/pull/12' });
    expect(decideExternalOpen('http://localhost:41000/checkout')).toEqual({ open: true, url: 'http://localhost:41000/checkout' });
    expect(decideExternalOpen('file:///etc/passwd')).toEqual({ open: false, reason: 'only http and https links open in the browser, not file:' });
    expect(decideExternalOpen('javascript:alert(1)')).toEqual({ open: false, reason: 'only http and https links open in the browser, not javascript:' });
    expect(decideExternalOpen('vscode://file/etc/passwd')).toMatchObject({ open: false });
    expect(decideExternalOpen('not a url')).toEqual({ open: false, reason: '"not a url" is not a URL' });
    expect(decideExternalOpen({ href: 'https://github.com/' })).toEqual({ open: false, reason: 'not a URL' });
  });

  it('grants the page nothing, not even Web Notifications: the shell shows notifications natively', () => {
    for (const p of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal', 'fullscreen']) expect(decidePermission(p), p).toBe(false);
  });
});
