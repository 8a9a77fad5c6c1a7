import { describe, expect, it } from 'vitest';
import { bwrapArgs } from '../../../../src/host/confine/bwrap-args';
import { confinePolicy, type ConfineInputs } from '../../../../src/host/confine/confine-policy';

const lane: ConfineInputs = {
  lanePath: '/src/flower-design',
  mainPath: '/src/flower',
  gitDir: '/src/flower/.git/worktrees/flower-design',
  commonDir: '/src/flower/.git',
  pinned: [],
  dataDir: '/home/mike/.grove',
  agentDir: '/home/mike/.grove/agents/a1',
  tmpDir: '/home/mike/.grove/agents/a1/tmp',
  writable: ['/home/mike/.claude', '/home/mike/.npm'],
  hidden: [{ path: '/src/flower/.env', kind: 'file' }, { path: '/home/mike/.aws', kind: 'dir' }],
  network: 'open',
  bridgeDir: null,
  shown: [],
  scratch: [],
};

/** Which step decides `path` (the last one whose path contains it), as the kernel's mount table would. */
function access(inputs: ConfineInputs, path: string): 'read-only' | 'writable' | 'hidden' {
  let verdict: 'read-only' | 'writable' | 'hidden' = 'read-only';
  for (const s of confinePolicy(inputs).steps) {
    if (s.kind === 'scratch' || s.kind === 'symlink') continue;
    if (path === s.path || path.startsWith(s.path + '/')) verdict = s.kind;
  }
  return verdict;
}

describe('what a confined agent may touch', () => {
  it('a lane: writes the lane, its own git dir and the shared objects and refs; MAIN and its index, HEAD, config, hooks stay read-only', () => {
    expect(access(lane, '/src/flower-design/src/app.ts')).toBe('writable');
    expect(access(lane, '/src/flower/.git/worktrees/flower-design/index')).toBe('writable');
    expect(access(lane, '/src/flower/.git/objects/ab/cdef')).toBe('writable');
    expect(access(lane, '/src/flower/.git/refs/heads/design')).toBe('writable');
    expect(access(lane, '/src/flower/.git/logs/refs/heads/design')).toBe('writable');
    for (const p of ['/src/flower/README.md', '/src/flower/.git/index', '/src/flower/.git/HEAD', '/src/flower/.git/config', '/src/flower/.git/hooks/post-merge', '/src/flower/.git/worktrees/flower-other/index']) {
      expect(access(lane, p), p).toBe('read-only');
    }
    expect(access(lane, '/etc/passwd')).toBe('read-only');
  });

  it('hides the data dir (the token) but shows the agent its own files and temp dir', () => {
    expect(access(lane, '/home/mike/.grove/token')).toBe('hidden');
    expect(access(lane, '/home/mike/.grove/agents/a2/hook-settings.json')).toBe('hidden');
    expect(access(lane, '/home/mike/.grove/agents/a1/hook-settings.json')).toBe('read-only');
    expect(access(lane, '/home/mike/.grove/agents/a1/tmp/x')).toBe('writable');
    expect(access(lane, '/src/flower/.env')).toBe('hidden');
    expect(access(lane, '/home/mike/.aws/credentials')).toBe('hidden');
    expect(access(lane, '/home/mike/.claude/settings.json')).toBe('writable');
    expect(access(lane, '/home/mike/.bashrc')).toBe('read-only');
  });

  it('MAIN stays read-only below a writable place, and the data dir stays hidden below one', () => {
    const inside = { ...lane, writable: ['/src', '/home/mike'] };
    expect(access(inside, '/src/flower/README.md')).toBe('read-only');
    expect(access(inside, '/src/flower-design/x')).toBe('writable');
    expect(access(inside, '/home/mike/.grove/token')).toBe('hidden');
  });

  it('a lane kept inside MAIN is still writable; MAIN around it is not', () => {
    const nested = { ...lane, lanePath: '/src/flower/.lanes/design', gitDir: '/src/flower/.git/worktrees/design' };
    expect(access(nested, '/src/flower/.lanes/design/a.txt')).toBe('writable');
    expect(access(nested, '/src/flower/a.txt')).toBe('read-only');
  });

  it('MAIN itself (the ops loop\'s checkout: main): nothing of the repository is writable; its status file readable', () => {
    const ops = { ...lane, lanePath: '/src/flower', gitDir: null, shown: ['/home/mike/.grove/ops/r1'] };
    expect(access(ops, '/home/mike/.grove/ops/r1/status.json')).toBe('read-only');
    expect(access(lane, '/home/mike/.grove/ops/r1/status.json')).toBe('hidden');
    expect(access(ops, '/src/flower/a.txt')).toBe('read-only');
    expect(access(ops, '/src/flower/.git/objects/ab/cd')).toBe('read-only');
    expect(access(ops, '/home/mike/.grove/agents/a1/tmp/x')).toBe('writable');
  });

  it('a directory of no known repository: itself writable, nothing of git', () => {
    const loose = { ...lane, lanePath: '/tmp/scratch', mainPath: null, gitDir: null, commonDir: null };
    expect(access(loose, '/tmp/scratch/a')).toBe('writable');
    expect(access(loose, '/tmp/other')).toBe('read-only');
    expect(access(loose, '/home/mike/.grove/token')).toBe('hidden');
  });
});

describe('bwrap\'s command line', () => {
  it('read-only root, fresh /dev and /proc, its own pid namespace, the steps in order, the program last', () => {
    const args = bwrapArgs(confinePolicy(lane), 'claude', ['--session-id', 'x']);
    expect(args.slice(0, 7)).toEqual(['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc']);
    expect(args).toContain('--unshare-pid');
    expect(args).toContain('--die-with-parent');
    expect(args).not.toContain('--unshare-net');
    expect(args).not.toContain('--new-session');
    expect(args.slice(-5)).toEqual(['/src/flower-design', '--', 'claude', '--session-id', 'x']);
    // A hidden file is covered by /dev/null; a hidden dir by an empty tmpfs made read-only
    // only after the agent's own dir was mounted inside it.
    expect(args.join(' ')).toContain('--ro-bind /dev/null /src/flower/.env');
    const tmpfs = args.indexOf('--tmpfs');
    const agentDir = args.indexOf('/home/mike/.grove/agents/a1');
    const remount = args.lastIndexOf('--remount-ro');
    expect(args[tmpfs + 1]).toBe('/home/mike/.grove');
    expect(args.slice(tmpfs - 2, tmpfs)).toEqual(['--perms', '0700']);
    expect(tmpfs).toBeLessThan(agentDir);
    expect(agentDir).toBeLessThan(remount);
  });

  it('network none: a namespace of its own, and the host bridge\'s directory shown from the hidden data dir', () => {
    const none = { ...lane, network: 'none' as const, bridgeDir: '/home/mike/.grove/run' };
    expect(bwrapArgs(confinePolicy(none), 'sh', [])).toContain('--unshare-net');
    expect(access(none, '/home/mike/.grove/run/host.sock')).toBe('read-only');
    expect(access(lane, '/home/mike/.grove/run/host.sock')).toBe('hidden');
  });
});
