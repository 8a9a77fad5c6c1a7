import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Which Claude Code a launch runs, read from its installed files rather than by running it
 * (`claude --version` is a Node start, on the host's event loop, at every agent start): the
 * npm package's package.json above the binary's real path, or a native install's file name
 * (`~/.local/share/claude/versions/2.1.332`). Null when neither tells.
 */
export function installedClaudeVersion(binary: string): string | null {
  let real: string;
  try {
    real = realpathSync(binary);
  } catch {
    return null;
  }
  if (SEMVER.test(basename(real))) return basename(real);
  for (let dir = dirname(real), up = 0; up < 4 && dir !== dirname(dir); dir = dirname(dir), up++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === '@anthropic-ai/claude-code' && typeof pkg.version === 'string' && SEMVER.test(pkg.version)) return pkg.version;
      if (typeof pkg.name === 'string') return null; // another package's: not Claude Code's files
    } catch {
      /* no package.json here: look further up */
    }
  }
  return null;
}

const SEMVER = /^\d+\.\d+\.\d+$/;

/** The first Claude Code with the StopFailure hook (a turn the API ended with an error). */
const STOP_FAILURE_SINCE = [2, 1, 78] as const;

/**
 * Whether Grove's settings may name StopFailure: an older Claude Code refuses the whole file
 * for a key it does not know ("Settings Error … Files with errors are skipped entirely"), every
 * hook with it. A version Grove cannot tell is taken as a current one.
 */
export function hasStopFailureHook(version: string | null): boolean {
  if (version === null) return true;
  const parts = version.split('.').map(Number);
  for (let i = 0; i < STOP_FAILURE_SINCE.length; i++) {
    if (parts[i]! !== STOP_FAILURE_SINCE[i]) return parts[i]! > STOP_FAILURE_SINCE[i]!;
  }
  return true;
}
