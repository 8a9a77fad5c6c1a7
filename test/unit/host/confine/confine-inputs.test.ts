import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confineInputs, gitDirsOf } from '../../../../src/host/confine/confine-inputs';
import { addWorktree, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

function place(): { root: string; main: string; lane: string; home: string; dataDir: string; agentDir: string } {
  const root = realpathSync(makeTempDir());
  const main = makeRepo(join(root, 'flower'));
  const lane = addWorktree(main, join(root, 'flower-design'), 'design');
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  const agentDir = join(dataDir, 'agents', 'a1');
  mkdirSync(home);
  mkdirSync(agentDir, { recursive: true });
  return { root, main, lane, home, dataDir, agentDir };
}

describe('a confined agent\'s paths, read from a real repository', () => {
  it('finds a worktree\'s own git dir and the shared one; MAIN\'s .git is the shared one', () => {
    const p = place();
    expect(gitDirsOf(p.lane)).toEqual({ gitDir: join(p.main, '.git', 'worktrees', 'flower-design'), commonDir: join(p.main, '.git') });
    expect(gitDirsOf(p.main)).toEqual({ gitDir: null, commonDir: join(p.main, '.git') });
  });

  it('says what is wrong with a .git file that names no git dir', () => {
    const p = place();
    const odd = join(p.root, 'odd');
    mkdirSync(odd);
    writeFileSync(join(odd, '.git'), 'nonsense\n');
    expect(() => gitDirsOf(odd)).toThrow(/does not name a git dir .* is .*odd a git worktree\?/);
  });

  it('makes the CLI\'s missing state dir and file, and the caches, so they can be mounted; takes CODEX_HOME when set', () => {
    const p = place();
    const codexHome = join(p.root, 'codex-home');
    const inputs = confineInputs({
      lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: { CODEX_HOME: codexHome },
      statePaths: [{ path: '~/.claude', env: 'CLAUDE_CONFIG_DIR', kind: 'dir' }, { path: '~/.claude.json', kind: 'file' }, { path: '~/.codex', env: 'CODEX_HOME', kind: 'dir' }],
      config: { lanes: { writable: ['~/.gradle'] } }, keyless: false, bridgeDir: null, shown: [],
    });
    expect(inputs.writable).toEqual([join(p.home, '.claude'), join(p.home, '.claude.json'), codexHome, join(p.home, '.npm'), join(p.home, '.cache'), join(p.home, '.gradle')]);
    expect(statSync(join(p.home, '.claude.json')).isFile()).toBe(true);
    expect(statSync(codexHome).isDirectory()).toBe(true);
    expect(existsSync(join(p.home, '.codex'))).toBe(false);
    expect(inputs.tmpDir).toBe(join(p.agentDir, 'tmp'));
  });

  it('hides what grove.yaml lists (relative to MAIN, ~, absolute) and, key-less, MAIN\'s copied files; a missing path is left out', () => {
    const p = place();
    writeFileSync(join(p.main, '.env'), 'API_KEY=x\n');
    writeFileSync(join(p.main, '.env.local'), 'API_KEY=y\n');
    mkdirSync(join(p.main, 'secrets'));
    mkdirSync(join(p.home, '.aws'));
    const config = { lanes: { hidden: ['secrets', '~/.aws', '/nowhere/at/all'] }, setup: { copy: ['.env*'] } };
    const base = { lanePath: p.lane, mainPath: p.main, dataDir: p.dataDir, agentDir: p.agentDir, home: p.home, env: {}, statePaths: [], config, bridgeDir: null, shown: [] };
    expect(confineInputs({ ...base, keyless: false }).hidden).toEqual([
      { path: join(p.main, 'secrets'), kind: 'dir' },
      { path: join(p.home, '.aws'), kind: 'dir' },
    ]);
    expect(confineInputs({ ...base, keyless: true }).hidden.map((h) => h.path).sort()).toEqual([join(p.home, '.aws'), join(p.main, '.env'), join(p.main, '.env.local'), join(p.main, 'secrets')].sort());
  });
});
