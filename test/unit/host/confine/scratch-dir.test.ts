import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bwrapArgs } from '../../../../src/host/confine/bwrap-args';
import { confineInputs } from '../../../../src/host/confine/confine-inputs';
import { confinePolicy, type ConfineInputs } from '../../../../src/host/confine/confine-policy';
import { PRESETS } from '../../../../src/host/terminals/presets';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * A CLI's state file rewritten through a lock and a temp file beside it (Claude Code's
 * ~/.claude.json) makes its directory scratch: a private empty file system with the real
 * entries shown again read-only, laid down before anything else is mounted.
 */
afterEach(removeTempDirs);

const inputs = (over: Partial<ConfineInputs>): ConfineInputs => ({
  lanePath: '/work/lane',
  mainPath: null,
  gitDir: null,
  commonDir: null,
  pinned: [],
  dataDir: '/data',
  agentDir: '/data/agents/a1',
  tmpDir: '/data/agents/a1/tmp',
  writable: [],
  hidden: [],
  scratch: [],
  network: 'open',
  bridgeDir: null,
  shown: [],
  ...over,
});

describe('a scratch directory', () => {
  it('comes first, its entries shown read-only (a symlink as itself), then the state file writable over it', () => {
    const policy = confinePolicy(
      inputs({
        writable: ['/home/u/.claude', '/home/u/.claude.json'],
        scratch: [{ path: '/home/u', entries: [{ path: '/home/u/.bashrc', linkTo: null }, { path: '/home/u/.profile', linkTo: 'dotfiles/profile' }, { path: '/home/u/.claude.json', linkTo: null }] }],
      }),
    );
    expect(policy.steps.slice(0, 6)).toEqual([
      { kind: 'scratch', path: '/home/u' },
      { kind: 'read-only', path: '/home/u/.bashrc' },
      { kind: 'symlink', path: '/home/u/.profile', target: 'dotfiles/profile' },
      { kind: 'read-only', path: '/home/u/.claude.json' },
      { kind: 'writable', path: '/home/u/.claude' },
      { kind: 'writable', path: '/home/u/.claude.json' },
    ]);
    const args = bwrapArgs(policy, 'claude', []);
    const at = (...a: string[]): number => args.findIndex((_, i) => a.every((x, j) => args[i + j] === x));
    expect(at('--tmpfs', '/home/u')).toBeGreaterThan(-1);
    expect(at('--symlink', 'dotfiles/profile', '/home/u/.profile')).toBeGreaterThan(at('--tmpfs', '/home/u'));
    expect(at('--bind', '/home/u/.claude.json', '/home/u/.claude.json')).toBeGreaterThan(at('--ro-bind', '/home/u/.claude.json', '/home/u/.claude.json'));
    // Writable for new entries: unlike a hidden dir, never remounted read-only.
    expect(at('--remount-ro', '/home/u')).toBe(-1);
  });

  it("is the directory of the claude preset's state file, read from disk; Codex's state is a dir and needs none", () => {
    const home = realpathSync(makeTempDir('grove-home-'));
    writeFileSync(join(home, '.bashrc'), '');
    mkdirSync(join(home, 'code'));
    symlinkSync('code', join(home, 'src'));
    const data = realpathSync(makeTempDir('grove-data-'));
    mkdirSync(join(data, 'agents', 'a1'), { recursive: true });
    const lane = realpathSync(makeTempDir('grove-lane-'));
    const base = { lanePath: lane, mainPath: null, dataDir: data, agentDir: join(data, 'agents', 'a1'), home, env: {}, config: {}, keyless: false, bridgeDir: null, shown: [] };

    const claude = confineInputs({ ...base, statePaths: PRESETS.claude.statePaths });
    expect(claude.scratch).toHaveLength(1);
    expect(claude.scratch[0]!.path).toBe(home);
    // The state file is made before the entries are read, so it is among them (and mounted writable over them).
    expect(claude.scratch[0]!.entries).toEqual(
      expect.arrayContaining([
        { path: join(home, '.bashrc'), linkTo: null },
        { path: join(home, 'code'), linkTo: null },
        { path: join(home, 'src'), linkTo: 'code' },
        { path: join(home, '.claude.json'), linkTo: null },
      ]),
    );
    expect(claude.writable).toContain(join(home, '.claude.json'));

    expect(confineInputs({ ...base, statePaths: PRESETS.codex.statePaths }).scratch).toEqual([]);
  });

  it('never for a state file directly in /', () => {
    const data = realpathSync(makeTempDir('grove-data-'));
    mkdirSync(join(data, 'agents', 'a1'), { recursive: true });
    const lane = realpathSync(makeTempDir('grove-lane-'));
    // `/` exists and is not a file: it is mounted as it is, and nothing is made scratch.
    const got = confineInputs({ lanePath: lane, mainPath: null, dataDir: data, agentDir: join(data, 'agents', 'a1'), home: '/', env: {}, config: {}, keyless: false, bridgeDir: null, shown: [], statePaths: [{ path: '/', kind: 'file' }] });
    expect(got.scratch).toEqual([]);
  });
});
