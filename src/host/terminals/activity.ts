import type { Activity } from '../../shared/agents';
import type { HookEvent } from '../../shared/hook-events';
import type { ScreenVerdict } from './screen/screen-patterns';

/**
 * A running agent's activity from the best signal seen so far. Hooks are authoritative once
 * an agent has sent one; until then, output says busy and quiet says idle.
 */
export type { HookEvent };

export function activityFromHook(event: HookEvent, at: string): Activity | null {
  switch (event) {
    case 'prompt':
    case 'tool':
      return { state: 'busy', signal: 'hook', detail: null, since: at };
    case 'stop':
      return { state: 'waiting', signal: 'hook', detail: 'finished its turn', since: at };
    case 'stop-failure':
      // Claude Code's StopFailure: the turn ended on an API error (not logged in, a rate
      // limit, an overloaded server), said on its screen; the CLI is back at its prompt.
      return { state: 'waiting', signal: 'hook', detail: 'turn_failed', since: at };
    case 'permission':
      return { state: 'waiting', signal: 'hook', detail: 'permission_prompt', since: at };
    case 'idle-prompt':
      return { state: 'waiting', signal: 'hook', detail: 'idle_prompt', since: at };
    case 'session-end':
      return null;
  }
}

export const UNKNOWN_ACTIVITY = (at: string): Activity => ({ state: 'unknown', signal: null, detail: null, since: at });

/**
 * Output must have been quiet this long before an idle prompt on screen overrules a hook's
 * `busy`. A working CLI animates its spinner several times a second, so a working agent is
 * never this quiet; a redraw that merely passes through the prompt is.
 */
export const HOOK_RECHECK_QUIET_MS = 2000;

/**
 * A hook's `busy` re-checked against the screen. Claude Code sends no Stop hook for a turn
 * that errored ("Not logged in · Please run /login", an API error): its next hook is the
 * idle_prompt notification ~60 s later, and until then the agent read `busy (hook)`. When
 * the screen shows the CLI's empty input prompt, no busy footer and no question, and output
 * has been quiet for HOOK_RECHECK_QUIET_MS, the turn is over: the agent waits for input,
 * as the idle_prompt hook would say. Null when the hook's word stands.
 */
export function recheckHookActivity(current: Activity, screen: ScreenVerdict, quietForMs: number, at: string): Activity | null {
  if (current.signal !== 'hook' || current.state !== 'busy') return null;
  if (screen?.state !== 'idle' || quietForMs < HOOK_RECHECK_QUIET_MS) return null;
  return { state: 'waiting', signal: 'screen', detail: 'idle_prompt', since: at };
}
