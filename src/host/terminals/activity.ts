import type { Activity } from '../../shared/agents';

/**
 * A running agent's activity from the best signal seen so far. Hooks are authoritative once
 * an agent has sent one; until then, output says busy and quiet says idle.
 */
export type HookEvent = 'prompt' | 'tool' | 'stop' | 'permission' | 'idle-prompt' | 'session-end';

export function activityFromHook(event: HookEvent, at: string): Activity | null {
  switch (event) {
    case 'prompt':
    case 'tool':
      return { state: 'busy', signal: 'hook', detail: null, since: at };
    case 'stop':
      return { state: 'waiting', signal: 'hook', detail: 'finished its turn', since: at };
    case 'permission':
      return { state: 'waiting', signal: 'hook', detail: 'permission_prompt', since: at };
    case 'idle-prompt':
      return { state: 'waiting', signal: 'hook', detail: 'idle_prompt', since: at };
    case 'session-end':
      return null;
  }
}

export const UNKNOWN_ACTIVITY = (at: string): Activity => ({ state: 'unknown', signal: null, detail: null, since: at });
