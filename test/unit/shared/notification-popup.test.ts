import { describe, expect, it } from 'vitest';
import { decidePopup, EMPTY_POPUP_STATE, PopupLimits, type PopupState, type Viewer } from '../../../src/shared/notification-popup';
import type { Notification } from '../../../src/shared/notifications';

/**
 * When a notification pops up (natively in the app, as a Web Notification in a browser):
 * not while the operator looks at its lane in a focused window; once per burst about a
 * lane; the escalation always.
 */
const backend = '/srv/flower-backend';
const design = '/srv/flower-design';

const waiting = (over: Partial<Notification> = {}): Pick<Notification, 'kind' | 'severity' | 'quiet' | 'workspace' | 'target'> => ({
  kind: 'agent.waiting',
  severity: 'info',
  quiet: null,
  workspace: backend,
  target: { kind: 'agent', agentId: 'a1' },
  ...over,
});

const focusedOn = (workspace: string | null): Viewer => ({ isFocused: true, visibleWorkspace: workspace });
const unfocusedOn = (workspace: string | null): Viewer => ({ isFocused: false, visibleWorkspace: workspace });

/** The verdicts of a sequence of [notification, viewer, ms] through one state. */
function run(steps: [ReturnType<typeof waiting>, Viewer, number][]): string[] {
  let state: PopupState = EMPTY_POPUP_STATE;
  return steps.map(([n, viewer, at]) => {
    const decided = decidePopup(state, n, viewer, at);
    state = decided.state;
    return decided.verdict;
  });
}

describe('decidePopup', () => {
  it('the window focused on the lane: no popup', () => {
    expect(run([[waiting(), focusedOn(backend), 0]])).toEqual(['on-screen']);
  });

  it('the window unfocused, on that very lane: a popup', () => {
    expect(run([[waiting(), unfocusedOn(backend), 0]])).toEqual(['pop']);
  });

  it('the window focused on another lane, or on none: a popup', () => {
    expect(run([[waiting(), focusedOn(design), 0]])).toEqual(['pop']);
    expect(run([[waiting(), focusedOn(null), 0]])).toEqual(['pop']);
  });

  it('a notification about no workspace is never on screen', () => {
    expect(run([[waiting({ workspace: null }), focusedOn(backend), 0]])).toEqual(['pop']);
  });

  it('quiet ones (paused, rate limited) never pop', () => {
    expect(run([[waiting({ quiet: 'paused' }), unfocusedOn(null), 0]])).toEqual(['quiet']);
    expect(run([[waiting({ quiet: 'rate-limited' }), unfocusedOn(null), 0]])).toEqual(['quiet']);
  });

  it('a burst of waits in one lane (its agents one after another) pops once; another lane has its own; after the window, again', () => {
    const away = unfocusedOn(null);
    const window = PopupLimits.DEBOUNCE_MS;
    expect(
      run([
        [waiting(), away, 0],
        [waiting({ target: { kind: 'agent', agentId: 'a2' } }), away, 1_000],
        [waiting({ target: { kind: 'agent', agentId: 'a3' } }), away, 2_000],
        [waiting({ workspace: design }), away, 2_500],
        [waiting(), away, window - 1],
        [waiting(), away, window],
      ]),
    ).toEqual(['pop', 'debounced', 'debounced', 'pop', 'debounced', 'pop']);
  });

  it('other news about the lane within the burst still pops: a crash after a wait, MAIN working again after breaking', () => {
    const away = unfocusedOn(null);
    const main = { workspace: '/srv/flower', target: { kind: 'repo' as const, repoId: 'r1' } };
    expect(
      run([
        [waiting(), away, 0],
        [waiting({ kind: 'agent.exited', severity: 'warning' }), away, 1_000],
        [waiting({ kind: 'main.broken', severity: 'critical', ...main }), away, 2_000],
        [waiting({ kind: 'main.recovered', severity: 'info', ...main }), away, 3_000],
      ]),
    ).toEqual(['pop', 'pop', 'pop', 'pop']);
  });

  it('the escalation pops even focused on its lane and within a burst, but not while quiet', () => {
    const escalation = waiting({ kind: 'agent.still-waiting', severity: 'warning' });
    expect(run([[escalation, focusedOn(backend), 0]])).toEqual(['pop']);
    expect(
      run([
        [escalation, unfocusedOn(null), 0],
        [escalation, unfocusedOn(null), 1_000],
      ]),
    ).toEqual(['pop', 'pop']);
    expect(run([[{ ...escalation, quiet: 'paused' }, unfocusedOn(null), 0]])).toEqual(['quiet']);
  });
});
