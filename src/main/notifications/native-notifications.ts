import type { EventEnvelope } from '../../shared/events';
import type { Notification } from '../../shared/notifications';
import { decidePopup, EMPTY_POPUP_STATE, type PopupState, type Viewer } from '../../shared/notification-popup';
import { routeFor } from '../../shared/ui-route';

/**
 * Which of the host's `notification` events the app shows as native notifications, and
 * what it shows. The host already decided what is worth saying (one per incident, rate
 * limited, quiet while paused); the shell only refuses what would be noise on its side:
 *
 * - quiet ones (paused, rate limited): listed in the app, never shown;
 * - events from before the shell attached: the connection replays history, and the
 *   operator must not get yesterday's "MAIN is broken" when the app starts;
 * - old news: after a long disconnection the replay brings what happened meanwhile; a
 *   notification older than MAX_AGE_MS is left to the app's list;
 * - the same id twice (a reconnect that replays it again);
 * - what the window shows: as in a browser (notification-popup.ts), nothing pops while the
 *   window is focused on the notification's workspace, and a burst about one workspace pops
 *   once. The window reports its workspace through the preload (reportVisibleWorkspace).
 *
 * Plain so it is tested under Node against a real host; src/main/index.ts shows the answer.
 */
export interface NativeNotice {
  id: string;
  title: string;
  body: string;
  /** Linux's urgency; critical ones also stay on screen until dismissed. */
  urgency: 'critical' | 'normal' | 'low';
  /** Where a click leads, as the UI's URL hash (ui-route.ts). */
  route: string;
}

export const NativeNotificationLimits = {
  /** A notification older than this when it reaches the shell is not shown (10 minutes). */
  MAX_AGE_MS: 10 * 60 * 1000,
  /** Ids remembered against repeats; notifications are rare, this is many days of them. */
  REMEMBERED_IDS: 1000,
  TITLE_CHARS: 200,
  BODY_CHARS: 1000,
} as const;

export interface NativeNotificationsOptions {
  /** The host's latest event seq when the shell attached: events up to it are history. */
  attachedAfterSeq: number;
  now?: () => Date;
  /** Whether the window is focused and which workspace it shows; no window: unfocused, none. */
  viewer?: () => Viewer;
}

const NO_WINDOW: Viewer = { isFocused: false, visibleWorkspace: null };

export class NativeNotifications {
  private readonly seen = new Set<string>();
  private readonly now: () => Date;
  private popups: PopupState = EMPTY_POPUP_STATE;

  constructor(private readonly options: NativeNotificationsOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The native notification to show for this event, or null to show nothing. */
  decide(envelope: EventEnvelope): NativeNotice | null {
    if (envelope.event.type !== 'notification') return null;
    if (envelope.seq <= this.options.attachedAfterSeq) return null;
    const n = envelope.event.notification;
    if (n.quiet !== null) return null;
    if (this.seen.has(n.id)) return null;
    this.remember(n.id);
    const at = Date.parse(n.at);
    const now = this.now().getTime();
    if (Number.isFinite(at) && now - at > NativeNotificationLimits.MAX_AGE_MS) return null;
    const decided = decidePopup(this.popups, n, this.options.viewer?.() ?? NO_WINDOW, now);
    this.popups = decided.state;
    return decided.verdict === 'pop' ? noticeOf(n) : null;
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size <= NativeNotificationLimits.REMEMBERED_IDS) return;
    // A Set iterates in insertion order: the first is the oldest.
    this.seen.delete(this.seen.values().next().value!);
  }
}

function noticeOf(n: Notification): NativeNotice {
  return {
    id: n.id,
    title: clip(n.title, NativeNotificationLimits.TITLE_CHARS),
    body: clip(n.body, NativeNotificationLimits.BODY_CHARS),
    urgency: n.severity === 'critical' ? 'critical' : n.severity === 'warning' ? 'normal' : 'low',
    route: routeFor(n.target),
  };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
