import { describe, expect, it } from 'vitest';
import { EMPTY_POPUP_STATE } from '../../../../src/shared/notification-popup';
import type { Notification } from '../../../../src/shared/notifications';
import { permissionPromptOf, webNotificationFor as decide, type WebNotificationContext } from '../../../../src/renderer/notifications/web-notification-policy';
import { notification } from './notification-fixture';

const live: WebNotificationContext = {
  isLive: true,
  hasShell: false,
  permission: 'granted',
  wasShown: false,
  viewer: { isFocused: false, visibleWorkspace: null },
  popups: EMPTY_POPUP_STATE,
  now: Date.parse('2026-03-02T10:00:01.000Z'),
};
const webNotificationFor = (n: Notification, context: WebNotificationContext) => decide(n, context).spec;

describe('webNotificationFor', () => {
  it('shows a live notification in a browser that allows it, leading to its route', () => {
    expect(webNotificationFor(notification(), live)).toEqual({
      title: 'MAIN of flower is broken',
      body: 'artisan: exit 255',
      tag: 'grove-n1',
      route: '#/repo/r1/incident/i1',
      requireInteraction: true,
    });
    expect(webNotificationFor(notification({ kind: 'main.recovered', severity: 'info' }), live)).toMatchObject({ requireInteraction: false });
  });

  it('stays silent for replayed history, quiet ones, repeats, and without permission', () => {
    expect(webNotificationFor(notification(), { ...live, isLive: false })).toBeNull();
    expect(webNotificationFor(notification({ quiet: 'paused' }), live)).toBeNull();
    expect(webNotificationFor(notification({ quiet: 'rate-limited' }), live)).toBeNull();
    expect(webNotificationFor(notification(), { ...live, wasShown: true })).toBeNull();
    expect(webNotificationFor(notification(), { ...live, permission: 'default' })).toBeNull();
    expect(webNotificationFor(notification(), { ...live, permission: 'denied' })).toBeNull();
    expect(webNotificationFor(notification(), { ...live, permission: 'unsupported' })).toBeNull();
  });

  it('leaves notifications to the shell in the app, so none is shown twice', () => {
    expect(webNotificationFor(notification(), { ...live, hasShell: true })).toBeNull();
  });

  it('stays silent while the focused page shows its workspace; a burst about one workspace pops once', () => {
    expect(webNotificationFor(notification(), { ...live, viewer: { isFocused: true, visibleWorkspace: '/srv/flower' } })).toBeNull();
    const first = decide(notification({ id: 'a' }), live);
    expect(first.spec).not.toBeNull();
    expect(decide(notification({ id: 'b' }), { ...live, popups: first.popups }).spec).toBeNull();
  });
});

describe('permissionPromptOf', () => {
  it('asks in a browser that has not been asked, until "Not now"', () => {
    expect(permissionPromptOf({ hasShell: false, permission: 'default', isDismissed: false })).toBe('ask');
    expect(permissionPromptOf({ hasShell: false, permission: 'default', isDismissed: true })).toBe('hidden');
  });

  it('says how to unblock a denied permission, and has nothing to say when granted, unsupported or in the app', () => {
    expect(permissionPromptOf({ hasShell: false, permission: 'denied', isDismissed: true })).toBe('blocked');
    expect(permissionPromptOf({ hasShell: false, permission: 'granted', isDismissed: false })).toBe('hidden');
    expect(permissionPromptOf({ hasShell: false, permission: 'unsupported', isDismissed: false })).toBe('hidden');
    expect(permissionPromptOf({ hasShell: true, permission: 'default', isDismissed: false })).toBe('hidden');
  });
});
