import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitAll } from '../../../../../src/host/lanes/git/commit-all';
import { runGit } from '../../../../../src/host/lanes/git/run-git';
import { addWorktree, git, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

/** A hook that leaves a file behind when it runs. */
function hook(path: string, witness: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\ntouch ${witness}\n`, { mode: 0o755 });
}

describe("the host's commits in a lane", () => {
  it("run MAIN's hooks, never hooks the lane's own files hold (a relative core.hooksPath, as husky sets)", async () => {
    const root = makeTempDir();
    const main = makeRepo(join(root, 'app'));
    const lane = addWorktree(main, join(root, 'app-lane'), 'lane');
    const witnesses = makeTempDir();
    // husky's way: hooks in a folder of the working tree, which in a lane is the agent's to write.
    git(main, 'config', 'core.hooksPath', '.husky/_');
    hook(join(lane, '.husky', '_', 'pre-commit'), join(witnesses, 'lane-hook'));
    writeFileSync(join(lane, 'work.txt'), 'work\n');
    const head = await commitAll(lane, 'the lane\'s work');
    expect(git(lane, 'log', '-1', '--format=%s')).toBe("the lane's work");
    expect(head).toBe(git(lane, 'rev-parse', 'HEAD'));
    expect(existsSync(join(witnesses, 'lane-hook'))).toBe(false);
    // Nor on any other git the host runs there: a ref update runs reference-transaction.
    hook(join(lane, '.husky', '_', 'reference-transaction'), join(witnesses, 'lane-ref-hook'));
    await runGit(lane, ['update-ref', 'refs/grove/recovery/lane/x', 'HEAD']);
    expect(git(lane, 'rev-parse', 'refs/grove/recovery/lane/x')).toBe(head);
    expect(existsSync(join(witnesses, 'lane-ref-hook'))).toBe(false);

    // Without it, MAIN's own hooks (which no agent can write) run as before.
    git(main, 'config', '--unset', 'core.hooksPath');
    hook(join(main, '.git', 'hooks', 'pre-commit'), join(witnesses, 'main-hook'));
    writeFileSync(join(lane, 'more.txt'), 'more\n');
    await commitAll(lane, 'more');
    expect(existsSync(join(witnesses, 'main-hook'))).toBe(true);
  });
});
