import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { buildSync } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { GitError, runGit } from '../../../../../src/host/lanes/git/run-git';
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

  it('says git could not start, and why, as a GitError: a path that is a file, a folder that is gone', async () => {
    const dir = makeTempDir();
    const file = join(dir, 'lane');
    writeFileSync(file, 'not a folder');
    const notDir = await runGit(file, ['status']).catch((e: unknown) => e);
    expect(notDir).toBeInstanceOf(GitError);
    expect((notDir as GitError).output).toMatchObject({ code: -1, notStarted: 'ENOTDIR' });
    expect((notDir as GitError).message).toBe(`git status could not start in ${file} (ENOTDIR): the path is not a directory. Nothing was changed; try again once that is fixed.`);
    const gone = await runGit(join(dir, 'gone'), ['status']).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(GitError);
    expect((gone as GitError).output).toMatchObject({ code: -1, notStarted: 'ENOENT' });
    expect((gone as GitError).message).toContain('(ENOENT): git is not installed (not on PATH), or the directory is gone.');
  });

  it('with no file descriptor left (EMFILE) answers a GitError, leaves no error unheard and no timer behind', async () => {
    // In a Node of its own, with few descriptors, every one of them taken: git cannot even get its pipes.
    const dir = makeTempDir();
    const bundle = join(dir, 'run-git.mjs');
    buildSync({ entryPoints: [resolve('src/host/lanes/git/run-git.ts')], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const script = join(dir, 'emfile.mjs');
    writeFileSync(
      script,
      `import { openSync, closeSync } from 'node:fs';
import { runGit } from ${JSON.stringify(bundle)};
process.on('uncaughtException', (e) => { console.log(JSON.stringify({ uncaught: e.message })); process.exitCode = 3; });
const held = [];
try { for (;;) held.push(openSync('/dev/null', 'r')); } catch {}
const answer = await runGit(${JSON.stringify(dir)}, ['status']).then((o) => ({ resolved: o }), (e) => ({ name: e.constructor.name, output: e.output, message: e.message }));
for (const fd of held) closeSync(fd);
await new Promise((r) => setTimeout(r, 100)); // an 'error' event no one listens to would land here
console.log(JSON.stringify(answer));
`,
    );
    // Ends on its own: a 15-minute timer left running would keep it alive, and fail this within 20 s.
    const { stdout } = await promisify(execFile)('prlimit', ['--nofile=64:64', process.execPath, script], { timeout: 20_000 });
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ name: 'GitError', output: { code: -1, notStarted: 'EMFILE' } });
    expect(lines[0]!.message).toContain('(EMFILE): the host has too many files open.');
  });
});
