import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lane } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { runGrove } from '../fixtures/grove-cli';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * Commands and paths Grove builds from grove.yaml's templates, against a real host and real
 * git: a lane's branch name is chosen by whoever makes the lane, and must never become shell
 * syntax in the commands the recipe runs.
 */
let host: HostProcess;
let main: string;
let marks: string;

function writeRecipe(yaml: string): void {
  writeFileSync(join(main, 'grove.yaml'), yaml);
  git(main, 'add', 'grove.yaml');
  git(main, 'commit', '-q', '-m', 'recipe');
}

beforeEach(async () => {
  const root = realpathSync(makeTempDir());
  marks = join(root, 'marks');
  mkdirSync(marks);
  main = makeRepo(join(root, 'flower'));
  host = await startHostProcess();
  const added = await runGrove(host, ['repo', 'add', main, '--trust']);
  expect(added.code, added.stderr).toBe(0);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

async function lanes(): Promise<Lane[]> {
  return ((await api(host, 'lanes.list', {})).body.result as { lanes: Lane[] }).lanes;
}

describe('templated shell commands', () => {
  it('serves a lane whose branch is x$(touch${IFS}PWNED): the site recipe gets the name as text and runs nothing', async () => {
    writeRecipe(`
serve:
  site:
    link: printf '%s' {{branch}} > ${marks}/linked; printf '%s' "{{branch}}" > ${marks}/linked-quoted
    unlink: rm ${marks}/linked
    url: http://{{lane}}.test
`);
    // The operator trusts the recipe, as it reads in grove.yaml: the danger is in the branch name.
    expect((await runGrove(host, ['repo', 'trust', 'flower', '--yes'])).code).toBe(0);
    const branch = 'x$(touch${IFS}PWNED)';
    const created = await runGrove(host, ['lane', 'create', 'design', '--branch', branch]);
    expect(created.code, created.stderr).toBe(0);
    const lane = (await lanes()).find((l) => l.name === 'design')!;
    expect(lane.branch).toBe(branch);

    const served = await runGrove(host, ['lane', 'serve', 'design']);
    expect(served.code, served.stderr).toBe(0);
    expect(readFileSync(join(marks, 'linked'), 'utf8')).toBe(branch);
    expect(readFileSync(join(marks, 'linked-quoted'), 'utf8')).toBe(branch);
    expect(existsSync(join(lane.path, 'PWNED'))).toBe(false);
    expect(readdirSync(marks).sort()).toEqual(['linked', 'linked-quoted']);
    expect(git(lane.path, 'status', '--porcelain')).toBe('');
  });

  it("refuses a value inside single quotes, where a nested shell (sh -c '…') would read it as code; the variable itself is the way", async () => {
    /** A site recipe whose link runs `script` in a nested shell, trusted as the operator does. */
    const nestedLink = async (script: string): Promise<void> => {
      writeRecipe(`
serve:
  site:
    link: sh -c '${script} > ${marks}/nested'
    unlink: rm -f ${marks}/nested
    url: http://{{lane}}.test
`);
      expect((await runGrove(host, ['repo', 'trust', 'flower', '--yes'])).code).toBe(0);
    };
    await nestedLink('printf %s {{branch}}');
    const branch = 'x$(touch${IFS}PWNED)';
    expect((await runGrove(host, ['lane', 'create', 'design', '--branch', branch])).code).toBe(0);
    const lane = (await lanes()).find((l) => l.name === 'design')!;
    const served = await runGrove(host, ['lane', 'serve', 'design']);
    expect(served.code).toBe(1);
    expect(served.stderr).toContain(`{{branch}} is inside single quotes, which hand their text to another shell (sh -c '…', ssh host '…') that would read the value as code; write "$GROVE_TPL_BRANCH" there instead`);
    expect(existsSync(join(lane.path, 'PWNED'))).toBe(false);
    expect(existsSync(join(marks, 'nested'))).toBe(false);

    // As the message says: the nested shell reads the variable, and gets the name as text.
    await nestedLink('printf %s "$GROVE_TPL_BRANCH"');
    const again = await runGrove(host, ['lane', 'serve', 'design']);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(marks, 'nested'), 'utf8')).toBe(branch);
    expect(existsSync(join(lane.path, 'PWNED'))).toBe(false);
  });
});

describe('lane branches given as refs', () => {
  it('takes refs/heads/NAME as the branch NAME, new or existing, and never makes refs/heads/refs/heads/…', async () => {
    git(main, 'branch', 'ccparse');
    const fresh = await runGrove(host, ['lane', 'create', 'design', '--branch', 'refs/heads/feature/design']);
    expect(fresh.code, fresh.stderr).toBe(0);
    const existing = await runGrove(host, ['lane', 'create', 'parser', '--branch', 'refs/heads/ccparse']);
    expect(existing.code, existing.stderr).toBe(0);
    const byName = Object.fromEntries((await lanes()).map((l) => [l.name, l]));
    expect(byName.design!.branch).toBe('feature/design');
    expect(byName.parser!.branch).toBe('ccparse');
    expect(git(byName.design!.path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/feature/design');
    expect(git(byName.parser!.path, 'symbolic-ref', 'HEAD')).toBe('refs/heads/ccparse');
    expect(git(main, 'for-each-ref', '--format=%(refname)', 'refs/heads/').split('\n').sort()).toEqual(['refs/heads/ccparse', 'refs/heads/feature/design', 'refs/heads/main']);
  });

  it('refuses MAIN\'s own branch, however it is written, and other refs, saying why; nothing is made', async () => {
    for (const branch of ['main', 'refs/heads/main']) {
      const r = await api(host, 'lanes.create', { repoId: ((await api(host, 'repos.list')).body.result as { repos: { id: string }[] }).repos[0]!.id, name: 'design', branch });
      expect(r.body.error).toMatchObject({ code: 'lane_exists' });
      expect(r.body.error!.message).toContain("main is MAIN's own branch");
    }
    const cli = await runGrove(host, ['lane', 'create', 'design', '--branch', 'refs/heads/main']);
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toContain("main is MAIN's own branch: a lane works on a branch of its own");
    const tag = await runGrove(host, ['lane', 'create', 'design', '--branch', 'refs/remotes/origin/design']);
    expect(tag.code).not.toBe(0);
    expect(tag.stderr).toContain('is a ref, not a branch; give a branch name (the part after refs/heads/), e.g. "design"');
    expect(git(main, 'for-each-ref', '--format=%(refname)', 'refs/heads/')).toBe('refs/heads/main');
    expect(existsSync(`${main}-design`)).toBe(false);
    expect(await lanes()).toEqual([]);
  });
});
