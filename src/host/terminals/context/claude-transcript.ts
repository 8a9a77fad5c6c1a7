import { join } from 'node:path';
import { z } from 'zod';

import { type ContextReading, isSameReading } from './context-reading';
import { JsonlTail } from './jsonl-tail';

/**
 * Claude Code's context meter, read from the session transcript it writes as JSON lines.
 * This module owns where that file is and what one assistant turn's usage means; it does
 * not decide the window (context-window.ts) nor when to poll (the terminal does).
 *
 * Where the file is: `~/.claude/projects/<slug>/<session-id>.jsonl`, the slug being the
 * cwd with every character outside [A-Za-z0-9] replaced by '-' (so `/home/me/Sites/flower`
 * → `-home-me-Sites-flower`; dots, underscores, spaces and non-ASCII all become '-').
 * Sources: tiann/hapi `cli/src/claude/utils/path.ts` (`replace(/[^a-zA-Z0-9]/g, '-')`), and
 * Claude Code's own `sanitizePath` quoted in Untrivial-ai/agent-orchestrator#1612 and
 * Michaelliv/claude-quest#15 (read out of the 2.1.139 binary). Past 200 characters Claude
 * Code keeps the first 200 and appends '-' + base36 of |a 32-bit string hash of the cwd|
 * (heiervang-technologies/unleash#237, checked against 2.1.154), but 2.1.224 changed that
 * scheme for long paths (delexw/claude-code-trace#236) and 2.1.234 added
 * CLAUDE_CODE_PROJECT_DIR_NAME, which renames the directory outright. So this path is a
 * best guess: the `transcript_path` every hook receives on stdin is the authority, and
 * callers should prefer it once a hook has reported it.
 *
 * What a line holds (docs/claude-cli-jsonl-format.md in Huntehhh/claude-code-chat, and
 * Claude Code's stream-json output): `{ type: "assistant", requestId, timestamp,
 * isSidechain, message: { id, model, usage: { input_tokens, cache_creation_input_tokens,
 * cache_read_input_tokens, output_tokens } } }`. One API call that returns several content
 * blocks is written as several lines sharing a `requestId` and the same usage.
 */

const MAX_SLUG_LENGTH = 200;

/** The directory name Claude Code gives a project under `~/.claude/projects/`. */
export function claudeProjectSlug(cwd: string): string {
  const slug = cwd.replace(/[^A-Za-z0-9]/g, '-');
  if (slug.length <= MAX_SLUG_LENGTH) return slug;
  let hash = 0;
  for (let i = 0; i < cwd.length; i++) hash = (Math.imul(hash, 31) + cwd.charCodeAt(i)) | 0;
  return `${slug.slice(0, MAX_SLUG_LENGTH)}-${Math.abs(hash).toString(36)}`;
}

export function claudeTranscriptPath(homeDir: string, cwd: string, sessionId: string): string {
  return join(homeDir, '.claude', 'projects', claudeProjectSlug(cwd), `${sessionId}.jsonl`);
}

const assistantLine = z.object({
  type: z.literal('assistant'),
  isSidechain: z.boolean().optional(),
  requestId: z.string().optional(),
  uuid: z.string().optional(),
  timestamp: z.string().optional(),
  message: z.object({
    id: z.string().optional(),
    model: z.string().optional(),
    usage: z.object({
      input_tokens: z.number(),
      cache_creation_input_tokens: z.number().nullish(),
      cache_read_input_tokens: z.number().nullish(),
    }),
  }),
});

interface Turn {
  /** The API call this turn is: lines sharing it are one turn, and the later one wins. */
  key: string;
  reading: ContextReading;
}

/** The turn a transcript line records, or null for every other kind of line. */
function turnOf(line: string): Turn | null {
  // Most lines are user turns, tool results and snapshots; skip them before parsing.
  if (!line.includes('"usage"')) return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = assistantLine.safeParse(json);
  if (!parsed.success) return null;
  const { message, requestId, uuid, timestamp, isSidechain } = parsed.data;
  // A subagent's calls carry its own, separate context; they say nothing about this one.
  if (isSidechain === true) return null;
  // Claude Code writes `<synthetic>` turns (an interrupted or failed call) with zero usage.
  if (message.model === '<synthetic>') return null;
  const usage = message.usage;
  return {
    key: requestId ?? message.id ?? uuid ?? line,
    reading: {
      // Everything sent to the model on its latest call: fresh input plus the cached
      // prefix, written or read. Output is left out: it enters the context on the next call.
      tokens: usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0),
      model: message.model ?? null,
      at: timestamp ?? null,
    },
  };
}

export class ClaudeTranscriptReader {
  private readonly tail: JsonlTail;
  private current: Turn | null = null;
  private reported: Turn | null = null;

  constructor(readonly path: string) {
    this.tail = new JsonlTail(path);
  }

  /**
   * Reads what was appended since the last call. Returns the reading of the latest turn
   * when that is a different turn, or the same turn with a different count, from the one
   * returned last; null when nothing new changed it (or there is nothing yet).
   */
  read(): ContextReading | null {
    const { lines, restarted } = this.tail.readNew();
    if (restarted) this.current = null;
    for (const line of lines) this.current = turnOf(line) ?? this.current;
    const current = this.current;
    if (current === null) return null;
    if (this.reported !== null && this.reported.key === current.key && isSameReading(this.reported.reading, current.reading)) {
      return null;
    }
    this.reported = current;
    return current.reading;
  }

  /** The latest turn's reading as of the last `read()`, changed or not. */
  latest(): ContextReading | null {
    return this.current?.reading ?? null;
  }
}
