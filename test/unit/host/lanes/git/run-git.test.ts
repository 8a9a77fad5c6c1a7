import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runGit } from '../../../../../src/host/lanes/git/run-git';
import { makeRepo } from '../../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../../fixtures/temp-dir';

afterEach(removeTempDirs);

/** A process's group, from /proc/PID/stat (the field after the state; `comm` holds no spaces here). */
const groupOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);

describe('runGit', () => {
  it("runs git in a process group of its own, so a terminal's Ctrl-C to the host's group does not cut it in half", async () => {
    const repo = makeRepo(join(makeTempDir(), 'flower'));
    // An alias's shell is git's child: its group is the one git was started in.
    const { stdout } = await runGit(repo, ['-c', 'alias.stat=!cat /proc/$$/stat', 'stat']);
    const gitGroup = groupOf(stdout);
    expect(gitGroup).toBeGreaterThan(0);
    expect(gitGroup).not.toBe(groupOf(readFileSync('/proc/self/stat', 'utf8')));
  });

  it('says what failed, with the exit code, and gives expected codes back as results', async () => {
    const repo = makeRepo(join(makeTempDir(), 'flower'));
    expect((await runGit(repo, ['rev-parse', '--verify', '-q', 'no-such-ref'], { okCodes: [1] })).code).toBe(1);
    await expect(runGit(repo, ['rev-parse', '--verify', '-q', 'no-such-ref'])).rejects.toThrow(/git rev-parse --verify -q no-such-ref failed in .* \(exit 1\)/);
    expect((await runGit(join(repo, 'no-such-folder'), ['status'], { okCodes: [] }).catch((e: { output: { code: number } }) => e.output)).code).toBe(-1);
  });

  it('gives git what it reads on stdin (check-ignore --stdin), and still ends on its own', async () => {
    const repo = makeRepo(join(makeTempDir(), 'flower'));
    writeFileSync(join(repo, '.gitignore'), 'vendor/\n');
    const { stdout, code } = await runGit(repo, ['check-ignore', '--stdin', '-z'], { input: 'vendor/x.php\0app/Flower.php\0', okCodes: [1] });
    expect(code).toBe(0);
    expect(stdout.split('\0').filter(Boolean)).toEqual(['vendor/x.php']);
  });
});
