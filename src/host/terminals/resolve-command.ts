import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/**
 * Finds a program the way execvp would, before spawning, so "claude is not installed"
 * comes back as a clear error instead of a terminal that flashes and dies.
 */
export function resolveCommand(command: string, pathEnv: string | undefined, cwd: string): string | null {
  const isExecutable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes('/')) {
    const p = isAbsolute(command) ? command : join(cwd, command);
    return isExecutable(p) ? p : null;
  }
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, command);
    if (isExecutable(p)) return p;
  }
  return null;
}
