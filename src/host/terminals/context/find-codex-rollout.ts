import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Which rollout file belongs to a Codex agent. Codex picks its own session id, so Grove
 * finds the file instead: the newest `rollout-*.jsonl` under `$CODEX_HOME/sessions/Y/M/D/`
 * (today's and yesterday's folders, for a run that crosses midnight) whose first line, the
 * `session_meta`, names the agent's lane as its cwd and which was written since the run
 * began. Null until Codex has written it.
 */
export function findCodexRollout(
  codexHome: string,
  lanePath: string,
  startedAt: number,
  isFree: (path: string) => boolean = () => true,
  now = new Date(),
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
      if (meta?.cwd === lanePath) best = { path, mtime, sessionId: meta.id };
    }
  }
  return best ? { path: best.path, sessionId: best.sessionId } : null;
}

const pad = (n: number): string => String(n).padStart(2, '0');

function sessionMeta(path: string): { cwd: string; id: string | null } | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(16 * 1024);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0] ?? '';
    const meta = JSON.parse(first) as { type?: string; payload?: { cwd?: unknown; id?: unknown } };
    if (meta.type !== 'session_meta' || typeof meta.payload?.cwd !== 'string') return null;
    return { cwd: meta.payload.cwd, id: typeof meta.payload.id === 'string' ? meta.payload.id : null };
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}
