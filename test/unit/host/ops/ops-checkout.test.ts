import { existsSync, renameSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { addOpsCheckout, removeOpsCheckout } from '../../../../src/host/ops/ops-checkout';
import { git } from '../../../fixtures/git-repo';
import { commitIn, headOf, makeMainAndLane, write } from '../../../fixtures/lane-repo';
import { removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * The ops checkout is made, taken back and removed beside lanes that may be away for a
 * while (a drive not mounted yet, a folder moved for a minute): tidying its own stale entry
 * must never drop theirs, which hold a lane's HEAD, index and rebase in progress.
 */
afterEach(() => removeTempDirs());

/** A lane holding what only its git entry keeps: a detached commit and a staged change. Returns that commit. */
function laneWithUnsavedWork(lane: string): string {
  git(lane, 'switch', '-q', '--detach');
  const detached = commitIn(lane, 'detached.txt', 'only on a detached HEAD\n');
  write(lane, 'staged.txt', 'staged, never committed\n');
  git(lane, 'add', '--', 'staged.txt');
  return detached;
}

function expectLaneIntact(lane: string, head: string): void {
  expect(headOf(lane)).toBe(head);
  expect(git(lane, 'diff', '--cached', '--name-only')).toBe('staged.txt');
}

/** A lane with unsaved work, the ops checkout made and then deleted by hand, and the lane's folder away. */
async function opsDeletedLaneAway(): Promise<{ main: string; lane: string; head: string; ops: string }> {
  const { main, lane } = makeMainAndLane();
  const head = laneWithUnsavedWork(lane);
  const ops = `${main}.ops`;
  expect((await addOpsCheckout(main, ops, headOf(main))).ok).toBe(true);
  rmSync(ops, { recursive: true, force: true });
  renameSync(lane, `${lane}-away`);
  return { main, lane, head, ops };
}

describe('the ops checkout beside a lane whose folder is away', () => {
  it('making it leaves the lane\'s git entry alone: back, the lane is a worktree with its commit and staged change', async () => {
    const { main, lane } = makeMainAndLane();
    const head = laneWithUnsavedWork(lane);
    renameSync(lane, `${lane}-away`);
    const added = await addOpsCheckout(main, `${main}.ops`, headOf(main));
    expect(added.ok, JSON.stringify(added)).toBe(true);
    renameSync(`${lane}-away`, lane);
    expectLaneIntact(lane, head);
  });

  it('making it again where its folder was deleted clears its own stale entry only', async () => {
    const { main, lane, head, ops } = await opsDeletedLaneAway();
    const again = await addOpsCheckout(main, ops, headOf(main));
    expect(again).toMatchObject({ ok: true, value: { path: ops, reused: false } });
    expect(existsSync(ops)).toBe(true);
    renameSync(`${lane}-away`, lane);
    expectLaneIntact(lane, head);
  });

  it('removing it when its folder is gone drops its own entry and leaves the lane\'s', async () => {
    const { main, lane, head, ops } = await opsDeletedLaneAway();
    expect(await removeOpsCheckout(main, ops)).toEqual({ removed: true });
    const worktrees = git(main, 'worktree', 'list', '--porcelain');
    expect(worktrees).not.toContain(`worktree ${ops}\n`);
    expect(worktrees).toContain(`worktree ${lane}\n`);
    renameSync(`${lane}-away`, lane);
    expectLaneIntact(lane, head);
  });

  it('removing it when it was never made (or already removed) is done, and touches no other entry', async () => {
    const { main, lane } = makeMainAndLane();
    const head = laneWithUnsavedWork(lane);
    renameSync(lane, `${lane}-away`);
    expect(await removeOpsCheckout(main, `${main}.ops`)).toEqual({ removed: true });
    renameSync(`${lane}-away`, lane);
    expectLaneIntact(lane, head);
  });
});
