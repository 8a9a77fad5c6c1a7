import { describe, expect, it } from 'vitest';
import { statusEntries } from '../../../../../src/host/lanes/git/worktree-status';

describe('statusEntries (git status --porcelain=v1 -z)', () => {
  it('counts every change whatever its code, a rename once by its new name, untracked apart, ignored not at all', () => {
    const out = [' M edited.txt', ' T README.md', 'R  new name.txt', 'old name.txt', 'C  copy.txt', 'orig.txt', 'UU conflict.txt', 'D  gone.txt', '?? notes.txt', '!! .env', ''].join('\0');
    expect(statusEntries(out)).toEqual({
      changed: ['edited.txt', 'README.md', 'new name.txt', 'copy.txt', 'conflict.txt', 'gone.txt'],
      untracked: ['notes.txt'],
    });
  });

  it('reads nothing from an empty status', () => {
    expect(statusEntries('')).toEqual({ changed: [], untracked: [] });
  });
});
