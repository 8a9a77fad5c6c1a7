/**
 * What an agent's CLI reports through `grove hook EVENT` (`agents.report`): the CLI command's
 * accepted words, the method's schema and the host's reading of each (activity.ts) all take
 * them from here.
 */
export const HOOK_EVENTS = ['prompt', 'tool', 'stop', 'stop-failure', 'permission', 'idle-prompt', 'session-end'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];
