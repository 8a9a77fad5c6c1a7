import type { Lane } from '../../shared/lanes';

/** How a lane's facts read on screen: short words, with the longer why for a title or a note. */

export function describeStatus(lane: Lane): { text: string; why: string | null; tone: 'ok' | 'bad' | 'pending' } {
  switch (lane.status) {
    case 'ok':
      return { text: 'ok', why: null, tone: 'ok' };
    case 'missing':
      return {
        text: 'missing',
        why: `Its directory ${lane.path} is gone or no longer a git worktree. Remove the lane to tidy up; its branch is kept.`,
        tone: 'bad',
      };
    case 'branch-changed':
      return {
        text: 'branch changed',
        why: `The worktree was switched away from ${lane.branch ?? 'its branch'} outside Grove. Switch it back (git switch ${lane.branch ?? '…'}) before merging.`,
        tone: 'pending',
      };
  }
}

export function describeSetup(setup: Lane['setup']): { text: string; why: string; tone: 'ok' | 'bad' | 'pending' } | null {
  switch (setup) {
    case 'none':
      return null;
    case 'running':
      return { text: 'setup running', why: "grove.yaml's setup is running in the lane; its output is below.", tone: 'pending' };
    case 'done':
      return { text: 'setup done', why: "grove.yaml's setup finished.", tone: 'ok' };
    case 'failed':
      return { text: 'setup failed', why: 'The setup failed; the lane is kept as it was left. Its log says why: fix it by hand, or remove the lane.', tone: 'bad' };
  }
}

/** The lane's block of ten ports, `:41000–41009`. */
export function portRange(port: number | null): string | null {
  return port === null ? null : `:${port}–${port + 9}`;
}

export function shortSha(sha: string | null): string {
  return sha ? sha.slice(0, 7) : '—';
}
