import { z } from 'zod';

import { type ContextReading, isSameReading } from './context-reading';
import { JsonlTail } from './jsonl-tail';

/**
 * Codex CLI's context meter, read from the rollout file it writes as JSON lines under
 * `~/.codex/sessions/YYYY/MM/DD/rollout-<timestamp>-<session-id>.jsonl` ($CODEX_HOME
 * moves `~/.codex`). Finding the file is the caller's business; this reads one.
 *
 * Format, from openai/codex `codex-rs/protocol/src/protocol.rs` (`RolloutLine`,
 * `RolloutItem`, `TokenCountEvent`, `TokenUsageInfo`, `TokenUsage`): every line is
 * `{ timestamp, type, payload }`. Two kinds matter here:
 * - `type: "turn_context"`, `payload.model`: the model for the turns that follow (token
 *   counts do not name it).
 * - `type: "event_msg"`, `payload.type: "token_count"`, `payload.info` (null until the
 *   first call returns): `{ total_token_usage, last_token_usage, model_context_window }`,
 *   each usage being `{ input_tokens, cached_input_tokens, output_tokens,
 *   reasoning_output_tokens, total_tokens }`. `total_token_usage` is the session's running
 *   sum; `last_token_usage` is the latest call alone. OpenAI counts cached input inside
 *   `input_tokens`, so it is never added again.
 *
 * Context in use = `last_token_usage.total_tokens` (input incl. cached, plus output),
 * not `input_tokens` alone: that is what Codex itself calls `tokens_in_context_window()`
 * and shows in `/status`, its status line and its "% context left", and what triggers its
 * auto-compaction. Matching it keeps Grove's meter in step with the number the operator
 * sees in the agent. (Codex releases before late 2025 subtracted reasoning output from it;
 * the difference is small and those versions are gone.) Lines without `total_tokens`
 * fall back to input + output.
 */

const usage = z.object({
  input_tokens: z.number(),
  output_tokens: z.number().optional(),
  total_tokens: z.number().optional(),
});

const turnContextLine = z.object({
  type: z.literal('turn_context'),
  payload: z.object({ model: z.string() }),
});

const tokenCountLine = z.object({
  type: z.literal('event_msg'),
  timestamp: z.string().optional(),
  payload: z.object({
    type: z.literal('token_count'),
    info: z
      .object({
        last_token_usage: usage,
        model_context_window: z.number().nullish(),
      })
      .nullish(),
  }),
});

type RolloutFact = { kind: 'model'; model: string } | { kind: 'usage'; tokens: number; window: number | null; at: string | null };

function factOf(line: string): RolloutFact | null {
  if (!line.includes('"turn_context"') && !line.includes('"token_count"')) return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const context = turnContextLine.safeParse(json);
  if (context.success) return { kind: 'model', model: context.data.payload.model };
  const count = tokenCountLine.safeParse(json);
  // `info: null` is Codex reporting rate limits before any call returned: no reading.
  const info = count.success ? count.data.payload.info : null;
  if (!count.success || info == null) return null;
  const last = info.last_token_usage;
  return {
    kind: 'usage',
    tokens: last.total_tokens ?? last.input_tokens + (last.output_tokens ?? 0),
    window: info.model_context_window ?? null,
    at: count.data.timestamp ?? null,
  };
}

export class CodexRolloutReader {
  private readonly tail: JsonlTail;
  private model: string | null = null;
  private current: ContextReading | null = null;
  private reported: ContextReading | null = null;

  constructor(readonly path: string) {
    this.tail = new JsonlTail(path);
  }

  /**
   * Reads what was appended since the last call. Returns the latest token count when it
   * differs from the one returned last, null when nothing new changed it. Codex repeats
   * an unchanged count whenever only its rate limits moved; those come back as null.
   */
  read(): ContextReading | null {
    const { lines, restarted } = this.tail.readNew();
    if (restarted) {
      this.model = null;
      this.current = null;
    }
    for (const line of lines) {
      const fact = factOf(line);
      if (fact?.kind === 'model') this.model = fact.model;
      if (fact?.kind === 'usage') {
        this.current = { tokens: fact.tokens, model: this.model, at: fact.at, ...(fact.window !== null && { window: fact.window }) };
      }
    }
    if (this.current === null || isSameReading(this.reported, this.current)) return null;
    this.reported = this.current;
    return this.current;
  }

  /** The latest token count as of the last `read()`, changed or not. */
  latest(): ContextReading | null {
    return this.current;
  }
}
