/**
 * One reading of an agent's context meter: how many tokens its conversation holds after
 * its latest model call, as the agent itself recorded it on disk.
 */
export interface ContextReading {
  tokens: number;
  /** The model that made the call, as the agent wrote it (`claude-sonnet-4-5-20250929`). */
  model: string | null;
  /** When the agent recorded the call (ISO 8601, from the file), if it said. */
  at: string | null;
  /** The context window the agent itself reported, when it does (Codex does; Claude Code does not). */
  window?: number;
}

export function isSameReading(a: ContextReading | null, b: ContextReading | null): boolean {
  if (a === null || b === null) return a === b;
  return a.tokens === b.tokens && a.model === b.model && a.window === b.window;
}
