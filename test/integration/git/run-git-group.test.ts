import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../../src/host/lanes/git/run-git';
import { makeRepo } from '../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A git run on record while it runs (the merge into MAIN's): what it records, and how it fails. */
function recorder() {
  const calls: string[] = [];
  return {
    calls,
    groups: {
      started: (marker: string, pgid: number, what: string) => void calls.push(`started ${marker} ${pgid > 0 ? 'pid' : 'no pid'} ${what}`),
      ended: (marker: string) => void calls.push(`ended ${marker}`),
    },
  };
}

describe('runGit in a command group', () => {
  it('runs git with the marker in its environment (its hooks inherit it), on record from start to end', async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    const r = recorder();
    const out = await runGit(repo, ['config', '--get', 'core.bare'], { group: { marker: 'merge-1', groups: r.groups, what: 'git config' } });
    expect(out).toEqual({ code: 0, stdout: 'false\n', stderr: '' });
    expect(r.calls).toEqual(['started merge-1 pid git config', 'ended merge-1']);
    // The marker reaches what git runs: an alias to a shell command prints it.
    const seen = await runGit(repo, ['-c', 'alias.mark=!echo $GROVE_COMMAND_GROUP', 'mark'], { group: { marker: 'merge-2', groups: r.groups, what: 'mark' } });
    expect(seen.stdout).toBe('merge-2\n');
  });

  it('rejects with a GitError, as without a group, for a refusal and for a git that cannot start', async () => {
    const repo = makeRepo(join(makeTempDir(), 'r'));
    const r = recorder();
    const group = { marker: 'merge-3', groups: r.groups, what: 'x' };
    await expect(runGit(repo, ['rev-parse', '--verify', 'no-such-ref'], { group })).rejects.toBeInstanceOf(GitError);
    expect((await runGit(repo, ['rev-parse', '--verify', '-q', 'no-such-ref'], { group, okCodes: [1] })).code).toBe(1);
    const missing = await runGit(join(repo, 'gone'), ['status'], { group }).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GitError);
    expect((missing as GitError).output.code).toBe(-1);
    expect(r.calls.at(-1)).toBe('ended merge-3'); // off the record however it ended
  });
});
