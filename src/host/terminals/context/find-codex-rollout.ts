import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which rollout file belongs to a Codex agent. Codex picks its own session id, so Grove
 * finds the file instead: the newest `rollout-*.jsonl` under `$CODEX_HOME/sessions/Y/M/D/`
 * (today's and yesterday's folders, for a run that crosses midnight) whose first line, the
 * `session_meta`, names the agent's lane as its cwd and which was written since the run
 * began. Null until Codex has written it.
 *
 * The first line is read whole: Codex 0.17x puts its base instructions in `session_meta`,
 * making it ~27 KB (a recorded one is test/fixtures/transcripts/codex-0.171.0-rollout-start.jsonl).
 * A line without its newline yet is still being written, so the file is looked at again on
 * the next poll. `onSkip` hears why a candidate was passed over for good (its first line
 * past FIRST_LINE_MAX_BYTES), so a missing resume or context meter can be explained.
 */
export function findCodexRollout(
  codexHome: string,
  lanePath: string,
  startedAt: number,
  isFree: (path: string) => boolean = () => true,
  now = new Date(),
  onSkip: (path: string, reason: string) => void = () => {},
): { path: string; sessionId: string | null } | null {
  const days = [now, new Date(now.getTime() - 86_400_000)];
  let best: { path: string; mtime: number; sessionId: string | null } | null = null;
  for (const d of days) {
    const dir = join(codexHome, 'sessions', String(d.getFullYear()), pad(d.getMonth() + 1), pad(d.getDate()));
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!name.startsWith('rollout-') || !name.endsWith('.jsonl')) continue;
      const path = join(dir, name);
      let mtime: number;
      try {
        mtime = statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (mtime < startedAt - 1000 || (best && mtime <= best.mtime) || !isFree(path)) continue;
      const meta = sessionMeta(path);
      if (meta && 'skip' in meta) onSkip(path, meta.skip);
      else if (meta?.cwd === lanePath) best = { path, mtime, sessionId: meta.id };
    }
  }
  return best ? { path: best.path, sessionId: best.sessionId } : null;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * A session_meta line is tens of KB; one past this is not one (or not a file Codex wrote),
 * and reading further would only grow the host's memory for nothing.
 */
const FIRST_LINE_MAX_BYTES = 4 << 20;
const READ_BYTES = 64 * 1024;

type Meta = { cwd: string; id: string | null } | { skip: string } | null;

/** The first line's session_meta; null while the line is unfinished or when it is not one. */
function sessionMeta(path: string): Meta {
  const first = firstLine(path);
  if (first === null || typeof first === 'object') return first;
  try {
    const meta = JSON.parse(first) as { type?: string; payload?: { cwd?: unknown; id?: unknown } };
    if (meta.type !== 'session_meta' || typeof meta.payload?.cwd !== 'string') return null;
    return { cwd: meta.payload.cwd, id: typeof meta.payload.id === 'string' ? meta.payload.id : null };
  } catch {
    return null;
  }
}

/** The file's first complete line; null if it has none yet (or cannot be read). */
function firstLine(path: string): string | { skip: string } | null {
  let fd: number | null = null;
  try {
    // Non-blocking and no symlinks, a plain file only: the sessions folder is the agent's to
    // write, and a FIFO there (or a link to a device) must not stall the host (jsonl-tail.ts).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    if (!fstatSync(fd).isFile()) return null;
    const parts: Buffer[] = [];
    let size = 0;
    for (;;) {
      const buf = Buffer.alloc(READ_BYTES);
      const n = readSync(fd, buf, 0, buf.length, size);
      if (n === 0) return null; // no newline yet: Codex is still writing it
      const chunk = buf.subarray(0, n);
      const nl = chunk.indexOf(0x0a);
      if (nl >= 0) {
        if (size + nl > FIRST_LINE_MAX_BYTES) break;
        parts.push(chunk.subarray(0, nl));
        return Buffer.concat(parts).toString('utf8');
      }
      parts.push(chunk);
      size += n;
      if (size > FIRST_LINE_MAX_BYTES) break;
    }
    return { skip: `its first line is longer than ${FIRST_LINE_MAX_BYTES} bytes, so it is not a Codex session_meta line` };
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
