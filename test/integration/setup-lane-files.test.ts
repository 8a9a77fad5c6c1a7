import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroveConfig } from '../../src/shared/config';
import type { TemplateVars } from '../../src/host/config/template';
import { applyLaneFiles, type LaneFilesOutcome } from '../../src/host/lanes/setup/lane-files';
import { addWorktree, git, makeRepo } from '../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * A lane's files from the recipe, with real worktrees: MAIN is a small app whose .env is
 * ignored, as in any clone; the lane is a fresh worktree beside it.
 */
let main: string;
let lane: string;

beforeEach(() => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  write(main, '.gitignore', '.env\n.env.local\n*.secret\n');
  write(main, '.env.example', 'APP_URL=http://localhost\n');
  write(main, 'config.php', '<?php return [];\n');
  git(main, 'add', '.');
  git(main, 'commit', '-q', '-m', 'app');
  write(main, '.env', '# local\nAPP_NAME={{lane}}\nAPP_URL=http://localhost\nOPENAI_API_KEY=sk-1\nDB_PASSWORD="pw"\n');
  chmodSync(join(main, '.env'), 0o600);
  lane = addWorktree(main, `${main}-design`, 'design');
});
afterEach(() => removeTempDirs());

function write(root: string, rel: string, text: string): void {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}
const read = (root: string, rel: string): string => readFileSync(join(root, rel), 'utf8');
const status = (dir: string): string => git(dir, 'status', '--porcelain', '--untracked-files=all');
const vars = (): TemplateVars => ({ lane: 'design', branch: 'design', repo: 'flower', path: lane, main, port: 41010 });

function apply(setup: NonNullable<GroveConfig['setup']>, o: { keyless?: boolean; lanePath?: string } = {}): Promise<LaneFilesOutcome> {
  return applyLaneFiles({ mainPath: main, lanePath: o.lanePath ?? lane, setup, vars: vars(), keyless: o.keyless ?? false });
}

async function applyOk(setup: NonNullable<GroveConfig['setup']>, o: { keyless?: boolean; lanePath?: string } = {}): Promise<Extract<LaneFilesOutcome, { ok: true }>> {
  const r = await apply(setup, o);
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r)}`);
  return r;
}

describe('copying files from MAIN', () => {
  it('copies ignored files a glob matches, keeping their mode, and leaves tracked ones to git', async () => {
    const r = await applyOk({ copy: ['.env*'] });
    expect(r.copied).toEqual(['.env']);
    expect(r.skipped).toEqual([{ path: '.env.example', reason: 'tracked' }]);
    expect(read(lane, '.env')).toBe(read(main, '.env'));
    expect(statSync(join(lane, '.env')).mode & 0o777).toBe(0o600);
    expect(status(lane)).toBe('');
  });

  it('copies a directory with its nested files, an executable stays executable', async () => {
    write(main, 'storage/keys/oauth.secret', 'k');
    write(main, 'storage/keys/bin/run.secret', '#!/bin/sh\n');
    chmodSync(join(main, 'storage/keys/bin/run.secret'), 0o755);
    const r = await applyOk({ copy: ['storage/keys'] });
    expect(r.copied).toEqual(['storage/keys/bin/run.secret', 'storage/keys/oauth.secret']);
    expect(statSync(join(lane, 'storage/keys/bin/run.secret')).mode & 0o777).toBe(0o755);
  });

  it('renders templates and sets dotenv keys with rendered values', async () => {
    const r = await applyOk({
      copy: [{ from: '.env', template: true, set: { APP_URL: 'http://{{lane}}.test', VITE_PORT: '{{port+1}}', APP_TITLE: '{{repo}} {{lane}}' } }],
    });
    expect(r.copied).toEqual(['.env']);
    expect(read(lane, '.env')).toBe(
      "# local\nAPP_NAME=design\nAPP_URL=http://design.test\nOPENAI_API_KEY=sk-1\nDB_PASSWORD=\"pw\"\nVITE_PORT=41011\nAPP_TITLE='flower design'\n",
    );
    expect(statSync(join(lane, '.env')).mode & 0o777).toBe(0o600);
  });

  it('copies to `to` when the pattern matches one file', async () => {
    const r = await applyOk({ copy: [{ from: '.env', to: 'config/.env.testing' }] });
    expect(r.copied).toEqual(['config/.env.testing']);
    expect(read(lane, 'config/.env.testing')).toBe(read(main, '.env'));
  });

  it('renders `to` as a template, and holds the rendered path to the same rules', async () => {
    const r = await applyOk({ copy: [{ from: '.env', to: 'config/{{lane}}/.env.{{branch}}' }] });
    expect(r.copied).toEqual(['config/design/.env.design']);
    expect(read(lane, 'config/design/.env.design')).toBe(read(main, '.env'));

    const absolute = await apply({ copy: [{ from: '.env.example', to: '{{main}}/.env.stolen' }] });
    expect(absolute).toMatchObject({ ok: false, path: '{{main}}/.env.stolen' });
    expect(!absolute.ok && absolute.message).toContain(`"${main}/.env.stolen" is absolute; paths are relative to the repository`);
    expect(!absolute.ok && absolute.message).toContain('(rendered from "{{main}}/.env.stolen")');
    expect(existsSync(join(main, '.env.stolen'))).toBe(false);

    const unknown = await apply({ copy: [{ from: '.env.example', to: 'x/{{lnae}}' }] });
    expect(!unknown.ok && unknown.message).toContain('{{lnae}} is not a template variable');
    expect(existsSync(join(lane, 'x'))).toBe(false);
  });

  it('lets a later entry for the same file win', async () => {
    const r = await applyOk({ copy: ['.env', { from: '.env', set: { APP_URL: 'http://x.test' } }] });
    expect(r.copied).toEqual(['.env']);
    expect(read(lane, '.env')).toContain('APP_URL=http://x.test\n');
  });

  it('strips secret keys from dotenv files in key-less lanes only', async () => {
    write(main, 'tools.secret', 'OPENAI_API_KEY=not-a-dotenv-file\n');
    const setup = { copy: ['.env', 'tools.secret'], stripKeys: ['*_API_KEY', 'DB_PASSWORD'] };
    const keyless = await applyOk(setup, { keyless: true });
    expect(keyless.stripped).toEqual([{ file: '.env', keys: ['OPENAI_API_KEY', 'DB_PASSWORD'] }]);
    expect(read(lane, '.env')).toBe('# local\nAPP_NAME={{lane}}\nAPP_URL=http://localhost\n');
    expect(read(lane, 'tools.secret')).toBe('OPENAI_API_KEY=not-a-dotenv-file\n');

    // The same dotenv file copied under another name keeps no key either.
    const renamed = await applyOk({ copy: [{ from: '.env', to: 'app/local.env' }], stripKeys: ['*_API_KEY'] }, { keyless: true });
    expect(renamed.stripped).toEqual([{ file: 'app/local.env', keys: ['OPENAI_API_KEY'] }]);
    expect(read(lane, 'app/local.env')).not.toContain('OPENAI_API_KEY');

    const other = addWorktree(main, `${main}-keyed`, 'keyed');
    const keyed = await applyOk(setup, { lanePath: other });
    expect(keyed.stripped).toEqual([]);
    expect(read(other, '.env')).toBe(read(main, '.env'));
  });

  it('never overwrites a file the lane has from git, even when MAIN changed it', async () => {
    write(main, 'config.php', '<?php return ["local" => true];\n');
    const r = await applyOk({ copy: ['config.php', { from: '.env', to: '.env.example' }] });
    expect(r.copied).toEqual([]);
    expect(r.skipped).toEqual([
      { path: 'config.php', reason: 'tracked' },
      { path: '.env.example', reason: 'tracked' },
    ]);
    expect(read(lane, 'config.php')).toBe('<?php return [];\n');
    expect(read(lane, '.env.example')).toBe('APP_URL=http://localhost\n');
  });

  it('leaves a file the lane already has, and reports a pattern that matched nothing', async () => {
    write(lane, '.env', 'MINE=1\n');
    const r = await applyOk({ copy: ['.env', 'missing/*.json'] });
    expect(r.skipped).toEqual([
      { path: 'missing/*.json', reason: 'no_match' },
      { path: '.env', reason: 'exists' },
    ]);
    expect(read(lane, '.env')).toBe('MINE=1\n');
  });

  it('refuses `to` for a glob that matches several files, and writes nothing', async () => {
    write(main, '.env.local', 'A=1\n');
    const r = await apply({ copy: ['.env', { from: '.env*', to: 'x/.env' }] });
    expect(r).toMatchObject({ ok: false, path: '.env*' });
    expect(!r.ok && r.message).toMatch(/matched 3 files \(\.env, \.env\.example, \.env\.local\).*`to`/);
    expect(existsSync(join(lane, '.env'))).toBe(false);
  });

  it.each([
    ['../flower-design/x', /goes up with "\.\."/],
    ['config/../../etc', /goes up with "\.\."/],
    ['{..,config}/*', /goes up with "\.\."/],
    ['/etc/hostname', /is absolute/],
    ['.git/config', /points into \.git/],
  ])('refuses a pattern that leaves MAIN: %s', async (pattern, message) => {
    const r = await apply({ copy: ['.env', pattern] });
    expect(r).toMatchObject({ ok: false, path: pattern });
    expect(!r.ok && r.message).toMatch(message);
    expect(existsSync(join(lane, '.env'))).toBe(false);
  });

  it('refuses `to` outside the lane', async () => {
    const r = await apply({ copy: [{ from: '.env', to: '../elsewhere/.env' }] });
    expect(r).toMatchObject({ ok: false, path: '../elsewhere/.env' });
  });

  it('does not follow symlinks in MAIN out of it', async () => {
    const outside = makeTempDir();
    write(outside, 'id_rsa', 'private');
    symlinkSync(outside, join(main, 'home'));
    symlinkSync(join(outside, 'id_rsa'), join(main, 'key.secret'));
    const r = await applyOk({ copy: ['home/**', 'key.secret', '**/id_rsa'] });
    expect(r.copied).toEqual([]);
    expect(r.skipped).toEqual([
      { path: 'home/**', reason: 'no_match' },
      { path: 'key.secret', reason: 'symlink' },
      { path: '**/id_rsa', reason: 'no_match' },
    ]);
  });

  it('never reads outside MAIN through a symlinked directory, named or globbed', async () => {
    const outside = makeTempDir();
    write(outside, 'id_rsa', 'private');
    symlinkSync(outside, join(main, 'home'));
    const r = await applyOk({ copy: ['home/id_rsa', 'home/*', { from: 'home/id_rsa', to: 'key.txt', template: true }, '.env'] });
    expect(r.copied).toEqual(['.env']);
    expect(r.skipped).toEqual([
      { path: 'home/id_rsa', reason: 'symlink' },
      { path: 'home/id_rsa', reason: 'symlink' },
      { path: 'home/id_rsa', reason: 'symlink' },
    ]);
    expect(existsSync(join(lane, 'home'))).toBe(false);
    expect(existsSync(join(lane, 'key.txt'))).toBe(false);
    expect(read(lane, '.env')).toBe(read(main, '.env'));
    // Nor links to it: a link through MAIN's symlinked folder would point outside MAIN.
    const linked = await applyOk({ link: ['home/id_rsa'] });
    expect(linked.linked).toEqual([]);
    expect(linked.skipped).toEqual([{ path: 'home/id_rsa', reason: 'symlink' }]);
    expect(existsSync(join(lane, 'home'))).toBe(false);
  });

  it('reports an unknown template variable before writing anything', async () => {
    write(main, 'app.secret', 'name={{lnae}}\n');
    const r = await apply({ copy: ['.env', { from: 'app.secret', template: true }] });
    expect(r).toMatchObject({ ok: false, path: join(main, 'app.secret') });
    expect(!r.ok && r.message).toContain('{{lnae}}');
    expect(existsSync(join(lane, '.env'))).toBe(false);
  });
});

describe('linking files from MAIN', () => {
  beforeEach(() => {
    write(main, 'playbooks/review.md', '# review\n');
    write(main, 'playbooks/deploy.md', '# deploy\n');
    write(main, 'NOTES.md', 'notes\n');
  });

  it('links each match to MAIN and keeps the links out of the lane\'s git status', async () => {
    const r = await applyOk({ link: ['playbooks', 'NOTES.md', '.env'] });
    expect(r.linked).toEqual(['.env', 'NOTES.md', 'playbooks']);
    expect(r.excluded).toEqual(['.env', 'NOTES.md', 'playbooks']);
    expect(readlinkSync(join(lane, 'playbooks'))).toBe(join(main, 'playbooks'));
    expect(read(lane, 'playbooks/review.md')).toBe('# review\n');
    expect(lstatSync(join(lane, 'NOTES.md')).isSymbolicLink()).toBe(true);
    expect(status(lane)).toBe('');
  });

  it('changes nothing for MAIN or other lanes, which still see files at those paths', async () => {
    const before = status(main);
    expect(before).toContain('?? NOTES.md');
    const other = addWorktree(main, `${main}-other`, 'other');
    await applyOk({ link: ['playbooks', 'NOTES.md'] });
    expect(status(main)).toBe(before);
    write(other, 'NOTES.md', 'an agent wrote this\n');
    expect(status(other)).toBe('?? NOTES.md');
    const shared = join(main, '.git', 'info', 'exclude');
    expect(existsSync(shared) ? readFileSync(shared, 'utf8') : '').not.toContain('NOTES.md');
  });

  it('keeps ignoring what the global excludes file ignores', async () => {
    const excludes = join(makeTempDir(), 'ignore');
    writeFileSync(excludes, '*.log\n');
    git(main, 'config', 'core.excludesFile', excludes);
    write(lane, 'debug.log', 'x');
    expect(status(lane)).toBe('');
    await applyOk({ link: ['NOTES.md'] });
    expect(status(lane)).toBe('');
  });

  it('links the top of what a glob matches, in nested places', async () => {
    write(main, 'docs/agents/a.md', 'a');
    write(main, 'docs/agents/deep/b.md', 'b');
    const r = await applyOk({ link: ['docs/*'] });
    expect(r.linked).toEqual(['docs/agents']);
    expect(readlinkSync(join(lane, 'docs/agents'))).toBe(join(main, 'docs/agents'));
    expect(status(lane)).toBe('');
    // `docs/**` matches docs itself as well as everything in it: docs is linked whole.
    const other = addWorktree(main, `${main}-other`, 'other');
    expect((await applyOk({ link: ['docs/**'] }, { lanePath: other })).linked).toEqual(['docs']);
  });

  it('is idempotent: a second run finds its links and lists each once', async () => {
    await applyOk({ link: ['NOTES.md', 'playbooks'] });
    const again = await applyOk({ link: ['NOTES.md', 'playbooks'] });
    expect(again.linked).toEqual(['NOTES.md', 'playbooks']);
    expect(again.skipped).toEqual([]);
    const gitDir = git(lane, 'rev-parse', '--absolute-git-dir');
    const entries = readFileSync(join(gitDir, 'grove-exclude'), 'utf8').split('\n').filter((l) => l.startsWith('/'));
    expect(entries).toEqual(['/NOTES.md', '/playbooks']);
    expect(status(lane)).toBe('');
  });

  it('does not replace a path the lane has from git', async () => {
    const r = await applyOk({ link: ['config.php'] });
    expect(r.linked).toEqual([]);
    expect(r.skipped).toEqual([{ path: 'config.php', reason: 'tracked' }]);
    expect(lstatSync(join(lane, 'config.php')).isFile()).toBe(true);
  });

  it('never writes a copy through a link into MAIN', async () => {
    await applyOk({ link: ['playbooks'] });
    const r = await apply({ copy: [{ from: '.env', to: 'playbooks/.env' }] });
    expect(r).toMatchObject({ ok: false });
    expect(!r.ok && r.message).toMatch(/outside the lane/);
    expect(existsSync(join(main, 'playbooks/.env'))).toBe(false);
  });

  it('refuses to work on MAIN itself', async () => {
    const r = await apply({ link: ['NOTES.md'] }, { lanePath: main });
    expect(r).toMatchObject({ ok: false, path: main });
    expect(!r.ok && r.message).toMatch(/is MAIN/);
  });
});
