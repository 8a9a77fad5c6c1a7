import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

/**
 * A symbolic link among a worktree's reflogs (its own `logs/`, or the repository's shared one),
 * which a lane's agent can write: git appends each ref update's line (a commit's subject, the
 * agent's words) to wherever it points, a shell's rc file as well as anything else. Checked
 * before the host's own git writes in a lane (a commit, a rebase).
 */
export class LinkedReflogError extends Error {
  readonly code = 'reflog_linked';
  constructor(readonly links: readonly string[]) {
    super(`The lane's git folder holds symbolic links among its reflogs (${links.slice(0, 5).join(', ')}${links.length > 5 ? ', …' : ''}), written from the lane: git would write through them to wherever they point. Nothing was run; remove the lane's agents, then delete those links.`);
  }
}

export function refuseLinkedReflogs(worktreePath: string): void {
  let gitDir = join(worktreePath, '.git');
  try {
    const pointer = /^gitdir: (.+)$/m.exec(readFileSync(gitDir, 'utf8'))?.[1]?.trim();
    if (pointer) gitDir = resolve(worktreePath, pointer);
  } catch {
    /* a folder: the main worktree's own */
  }
  const at = gitDir.lastIndexOf(`${sep}worktrees${sep}`);
  const dirs = at >= 0 ? [join(gitDir, 'logs'), join(gitDir.slice(0, at), 'logs')] : [join(gitDir, 'logs')];
  const links = dirs.flatMap((d) => symlinksUnder(d));
  if (links.length > 0) throw new LinkedReflogError(links);
}

/** Every symbolic link under `dir` (none followed), `dir` itself included. */
export function symlinksUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    try {
      return lstatSync(dir).isSymbolicLink() ? [dir] : [];
    } catch {
      return [];
    }
  }
  return entries.flatMap((e) => (e.isSymbolicLink() ? [join(dir, e.name)] : e.isDirectory() ? symlinksUnder(join(dir, e.name)) : []));
}
