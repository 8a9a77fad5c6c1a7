import { describe, expect, it } from 'vitest';
import { decideFollow, type CheckoutReading } from '../../../../src/host/ops/follow-main';

const OLD = 'a'.repeat(40);
const NEW = 'b'.repeat(40);
const NEWER = 'c'.repeat(40);
const clean: CheckoutReading = { head: OLD, dirty: [], headInMain: true };
const follow = (reading: CheckoutReading, mainHead: string | null = NEW, alertedHead: string | null = null) =>
  decideFollow({ mainHead, reading, alertedHead, repoName: 'flower', path: '/srv/flower.ops' });

describe('decideFollow', () => {
  it('moves a clean checkout whose HEAD MAIN contains', () => {
    expect(follow(clean)).toEqual({ kind: 'move', to: NEW });
  });

  it('does nothing when the checkout is at MAIN\'s HEAD, edits or not, or MAIN has no commit', () => {
    expect(follow({ ...clean, head: NEW })).toEqual({ kind: 'current' });
    expect(follow({ head: NEW, dirty: ['README.md'], headInMain: true })).toEqual({ kind: 'current' });
    expect(follow(clean, null)).toEqual({ kind: 'current' });
  });

  it('stays with uncommitted or untracked files, naming a few, and alerts for the new head', () => {
    const d = follow({ ...clean, dirty: ['a.php', 'b.php', 'c.php', 'd.php'] });
    expect(d).toMatchObject({ kind: 'stay', reason: 'it has 4 uncommitted or untracked files (a.php, b.php, c.php, …)', alertedHead: NEW });
    expect(d.kind === 'stay' && d.alert).toBe(
      'The ops checkout of flower (/srv/flower.ops) did not follow MAIN to bbbbbbbbbbbb: it has 4 uncommitted or untracked files (a.php, b.php, c.php, …). Grove left it as it is; clean it up and run `grove ops start`, or it follows at MAIN\'s next move once it is clean.',
    );
  });

  it('stays when its HEAD has commits MAIN does not have (moving would orphan them)', () => {
    expect(follow({ ...clean, headInMain: false })).toMatchObject({ kind: 'stay', reason: 'it has commits of its own (its HEAD aaaaaaaaaaaa is not in MAIN)' });
  });

  it('stays when its directory is gone', () => {
    expect(follow({ head: null, dirty: [], headInMain: false })).toMatchObject({ kind: 'stay', reason: 'its directory is missing or no longer a git worktree' });
  });

  it('alerts once per MAIN head it could not follow', () => {
    const dirty = { ...clean, dirty: ['x'] };
    const first = follow(dirty, NEW, null);
    expect(first.kind === 'stay' && first.alert).toBe(
      "The ops checkout of flower (/srv/flower.ops) did not follow MAIN to bbbbbbbbbbbb: it has 1 uncommitted or untracked file (x). Grove left it as it is; clean it up and run `grove ops start`, or it follows at MAIN's next move once it is clean.",
    );
    const same = follow(dirty, NEW, NEW);
    expect(same).toMatchObject({ kind: 'stay', alert: null, alertedHead: NEW });
    const next = follow(dirty, NEWER, NEW);
    expect(next.kind === 'stay' && next.alert).toContain('did not follow MAIN to cccccccccccc');
  });
});
