import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfinedLaunch, ConfineRequest } from '../../../../src/host/confine/agent-confinement';
import { confineCommand } from '../../../../src/host/confine/command-confinement';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

const base = (dataDir: string) => ({ lanePath: '/lanes/design', dataDir, env: { HOME: '/home/op', UNSET: undefined }, what: 'the check', escape: 'set merge.confine: false' });

describe('a recipe command confined like the lane\'s agents', () => {
  it('runs as it is, saying why, when the recipe turns it off or the host confines nothing', () => {
    const dataDir = makeTempDir();
    const off = confineCommand(() => expect.unreachable('asked the host'), { ...base(dataDir), off: 'grove.yaml says merge.confine: false' });
    expect(off.wrap).toBeUndefined();
    expect(off.line).toBe('the check runs unconfined: grove.yaml says merge.confine: false');
    expect(confineCommand(undefined, { ...base(dataDir), off: null }).line).toBe('the check runs unconfined: this host confines nothing');
    const host = (): ConfinedLaunch => ({ info: { confined: false, mechanism: null, reason: 'bwrap is not installed', network: 'open' }, wrap: (file, args, env) => ({ file, args, env }) });
    const missing = confineCommand(host, { ...base(dataDir), off: null });
    expect(missing.wrap).toBeUndefined();
    expect(missing.line).toBe('the check runs unconfined: bwrap is not installed');
  });

  it('asks for the lane\'s confinement with a temp dir of its own, removed when it is over', () => {
    const dataDir = makeTempDir();
    let asked: ConfineRequest | null = null;
    const host = (req: ConfineRequest): ConfinedLaunch => {
      asked = req;
      mkdirSync(join(req.agentDir, 'tmp'), { recursive: true });
      return { info: { confined: true, mechanism: 'bwrap', reason: null, network: 'none' }, wrap: (file, args, env) => ({ file: 'bwrap', args: ['--', file, ...args], env: { ...env, TMPDIR: join(req.agentDir, 'tmp') } }) };
    };
    const c = confineCommand(host, { ...base(dataDir), off: null });
    expect(asked).toMatchObject({ lanePath: '/lanes/design', unconfined: false, statePaths: [], env: { HOME: '/home/op' }, escape: 'set merge.confine: false' });
    expect(Object.keys(asked!.env)).not.toContain('UNSET');
    expect(asked!.agentDir.startsWith(join(dataDir, 'commands') + '/')).toBe(true);
    expect(c.line).toBe('the check runs confined (bwrap, network none), to the lane');
    expect(c.wrap!('sh', ['-c', 'npm test'], { A: '1' })).toEqual({ file: 'bwrap', args: ['--', 'sh', '-c', 'npm test'], env: { A: '1', TMPDIR: join(asked!.agentDir, 'tmp') } });
    expect(existsSync(asked!.agentDir)).toBe(true);
    c.done();
    expect(readdirSync(join(dataDir, 'commands'))).toEqual([]);
  });
});
