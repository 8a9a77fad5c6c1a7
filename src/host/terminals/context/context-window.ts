/**
 * How big an agent's context window is, when the agent does not say (Claude Code's
 * transcript names the model but not the window; Codex reports it, prefer that).
 *
 * Claude models have a 200K-token window unless run as a 1M-context variant, which
 * Claude Code names with a `[1m]` suffix (`claude-sonnet-4-5[1m]`, `sonnet[1m]`); other
 * tools write `-1m`. Anything unknown is taken as 200K: guessing small makes the meter
 * warn early rather than late. The transcript records the API model id, which carries no
 * `[1m]`; pass the model the agent was started with when it is known.
 */
export const DEFAULT_CONTEXT_WINDOW = 200_000;
export const ONE_MILLION_CONTEXT_WINDOW = 1_000_000;

/** `[1m]`, or `1m` standing alone between separators: not the `1m` inside a longer token. */
const ONE_MILLION_VARIANT = /\[1m\]|(?:^|[-_.:\s])1m(?:$|[-_.:\s])/i;

export function contextWindowOf(model: string | null): number {
  if (model !== null && ONE_MILLION_VARIANT.test(model)) return ONE_MILLION_CONTEXT_WINDOW;
  return DEFAULT_CONTEXT_WINDOW;
}

/** The share of the window in use, from 0 to 1; past the window (a wrong guess) reads as full. */
export function contextFraction(tokens: number, window: number): number {
  if (!(window > 0) || !(tokens > 0)) return 0;
  return Math.min(1, tokens / window);
}
