import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfineRefused, confineLaunch, type ConfinementDeps, type WorkPlace } from '../../../../src/host/confine/agent-confinement';
import { ceilingOfDispatch, ceilingSetBy, keylessUnder, parseCeiling, underCeiling } from '../../../../src/host/confine/confine-ceiling';
import { addWorktree, makeRepo } from '../../../fixtures/git-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

function setUp(place: WorkPlace | null, over: Partial<ConfinementDeps> = {}): { deps: ConfinementDeps; lanePath: string; agentDir: string } {
  const root = realpathSync(makeTempDir('grove-confine-'));
  const lanePath = join(root, 'lane');
  const agentDir = join(root, 'data', 'agents', 'a1');
  for (const d of [lanePath, agentDir, join(root, 'home')]) mkdirSync(d, { recursive: true });
  const deps: ConfinementDeps = {
    availability: () => ({ ok: true, mechanism: 'bwrap', program: '/usr/bin/bwrap', closer: '/bin/bash' }),
    placeOf: () => place,
    dataDir: join(root, 'data'),
    home: join(root, 'home'),
    bridge: { socketPath: join(root, 'data', 'run', 'host.sock'), open: () => null, forwarder: ['node', 'net-forward.js'], port: () => 4477 },
    hostPort: () => 4477,
    ...over,
  };
  return { deps, lanePath, agentDir };
}

describe('a launch that should be confined but cannot be set up', () => {
  it('is refused, never run unconfined: a lane whose MAIN holds no .git', () => {
    const { deps, lanePath, agentDir } = setUp(null);
    const notARepo = join(lanePath, '..');
    const launch = confineLaunch({ ...deps, placeOf: () => ({ mainPath: notARepo, config: null, keyless: false }) }, { lanePath, agentDir, unconfined: false, statePaths: [], env: {} });
    expect(launch.info).toMatchObject({ confined: true, mechanism: 'bwrap' });
    expect(() => launch.wrap('claude', [], {})).toThrow(ConfineRefused);
    expect(() => launch.wrap('claude', [], {})).toThrow(/cannot confine it: its paths could not be read \(.*\.git.*\)\. Fix that, or start it unconfined/);
  });

  it('is refused with network none when the host cannot be reached: no bridge, or a bridge that failed', () => {
    const none: WorkPlace = { mainPath: null, config: { lanes: { network: 'none' } }, keyless: false };
    const noBridge = setUp(none, { bridge: null });
    expect(() => confineLaunch(noBridge.deps, { lanePath: noBridge.lanePath, agentDir: noBridge.agentDir, unconfined: false, statePaths: [], env: {} }).wrap('sh', [], {})).toThrow(/path is too long .* use a shorter GROVE_HOME/);
    const failed = setUp(none);
    const deps = { ...failed.deps, bridge: { ...failed.deps.bridge!, open: () => '/x/run/host.sock: EACCES' } };
    expect(() => confineLaunch(deps, { lanePath: failed.lanePath, agentDir: failed.agentDir, unconfined: false, statePaths: [], env: {} }).wrap('sh', [], {})).toThrow(/cannot be reached .* EACCES/);
  });

  it('runs through bash, which closes inherited descriptors, then bubblewrap; the prompts bash would drop are set again', () => {
    const { deps, lanePath, agentDir } = setUp(null);
    const run = confineLaunch(deps, { lanePath, agentDir, unconfined: false, statePaths: [], env: {} }).wrap('sh', ['-i'], { PS1: 'lane$ ', DISPLAY: ':0', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus', SSH_AUTH_SOCK: '/tmp/ssh-x/agent.1', TMUX: '/tmp/tmux-0/default,1,0', DOCKER_HOST: 'unix:///x.sock', LANG: 'C.UTF-8' });
    expect(run.file).toBe('/bin/bash');
    expect(run.args[0]).toBe('-c');
    expect(run.args[1]).toContain('exec "$0" "$@"');
    expect(run.args.slice(2, 6)).toEqual(['/usr/bin/bwrap', '--setenv', 'PS1', 'lane$ ']);
    expect(run.args.slice(-3)).toEqual(['--', 'sh', '-i']);
    expect(run.env.DISPLAY).toBeUndefined();
    expect(run.env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
    // Nor the servers that run what they are asked, outside: tmux, the ssh agent, a container daemon.
    expect([run.env.SSH_AUTH_SOCK, run.env.TMUX, run.env.DOCKER_HOST]).toEqual([undefined, undefined, undefined]);
    expect(run.env.LANG).toBe('C.UTF-8');
    expect(run.env.TMPDIR).toBe(join(agentDir, 'tmp'));
  });
});

describe('an agent a confined agent dispatched (its ceiling)', () => {
  const open: WorkPlace = { mainPath: null, config: { lanes: { network: 'open' } }, keyless: false };
  const launch = (place: WorkPlace | null, network: 'none' | 'loopback' | 'open' | null, o: { unconfined?: boolean; over?: Partial<ConfinementDeps> } = {}) => {
    const { deps, lanePath, agentDir } = setUp(place, o.over);
    return confineLaunch(deps, { lanePath, agentDir, unconfined: o.unconfined ?? false, ceiling: network && { network, keyless: false, repoId: null, withheld: [] }, statePaths: [], env: {} });
  };

  it('gets no wider network than the agent that asked: an open lane narrowed to none or loopback, a narrower lane kept', () => {
    expect(launch(open, 'none').info).toMatchObject({ confined: true, network: 'none' });
    expect(launch(open, 'loopback').info).toMatchObject({ confined: true, network: 'loopback' });
    expect(launch({ ...open, network: 'none' }, 'loopback').info).toMatchObject({ confined: true, network: 'none' });
    expect(launch(open, 'open').info).toMatchObject({ confined: true, network: 'open' });
    // No ceiling: as the lane says, as before.
    expect(launch(open, null).info).toMatchObject({ confined: true, network: 'open' });
    // The narrowed network is the one the sandbox gets: under bwrap, a namespace of its own reaching only the host.
    expect(launch(open, 'none').wrap('sh', [], {}).args).toContain('--unshare-net');
  });

  it('does not start where it would run unconfined: grove.yaml turns confinement off, none is available here, or it asked to', () => {
    const off: WorkPlace = { mainPath: null, config: { lanes: { confine: false } }, keyless: false };
    const cases = [
      [launch(off, 'open'), /it would run unconfined \(grove\.yaml turns confinement off \(lanes\.confine: false\)\), but a confined agent asked for it/],
      [launch(open, 'none', { over: { availability: () => ({ ok: false, reason: 'bubblewrap is not installed' }) } }), /it would run unconfined \(bubblewrap is not installed\), but a confined agent asked for it/],
      [launch(open, 'loopback', { unconfined: true }), /it would run unconfined \(asked for at launch\)/],
    ] as const;
    for (const [l, why] of cases) {
      expect(l.info.confined).toBe(false);
      expect(() => l.wrap('claude', [], {})).toThrow(ConfineRefused);
      expect(() => l.wrap('claude', [], {})).toThrow(why);
      expect(() => l.wrap('claude', [], {})).toThrow(/dispatch it yourself \(the cockpit's Dispatch, or grove dispatch\)/);
    }
    // Without a ceiling the same places run it unconfined, saying why.
    expect(launch(off, null).wrap('claude', ['-p'], {})).toMatchObject({ file: 'claude', args: ['-p'] });
  });
});

describe('the ceiling, read back from a record', () => {
  it('holds a value it does not know as the narrowest, and an agent-asked dispatch from before ceilings as none', () => {
    expect(underCeiling('open', { network: 'wide' as never, keyless: false, repoId: null, withheld: [] })).toBe('none');
    expect(underCeiling('open', { network: 'toString' as never, keyless: false, repoId: null, withheld: [] })).toBe('none');
    expect(underCeiling('loopback', null)).toBe('loopback');
    expect(ceilingOfDispatch({ requestedBy: { kind: 'agent' } })).toEqual({ network: 'none', keyless: true, repoId: null, withheld: [] });
    expect(ceilingOfDispatch({ requestedBy: { kind: 'operator' } })).toBeNull();
    expect(ceilingOfDispatch({ ceiling: null, requestedBy: { kind: 'agent' } })).toBeNull();
    expect(ceilingOfDispatch({ ceiling: { network: 'loopback', keyless: false, repoId: 'r1', withheld: [] }, requestedBy: { kind: 'agent' } })).toEqual({ network: 'loopback', keyless: false, repoId: 'r1', withheld: [] });
    expect(ceilingOfDispatch({ ceiling: 'loopback', requestedBy: { kind: 'agent' } })).toEqual({ network: 'none', keyless: true, repoId: null, withheld: [] });
    expect(parseCeiling(null)).toBeNull();
    expect(parseCeiling('{"network":"loopback","keyless":false,"repoId":"r1"}')).toEqual({ network: 'loopback', keyless: false, repoId: 'r1', withheld: [] });
    expect(parseCeiling('loopback')).toEqual({ network: 'none', keyless: true, repoId: null, withheld: [] });
    expect(parseCeiling('{"network":"wide","keyless":false}')).toEqual({ network: 'none', keyless: true, repoId: null, withheld: [] });
  });

  it('is set by a confined run: key-less from its lane, or from its own ceiling; what it went without; none for an unconfined one', () => {
    const ran = { confined: true, mechanism: 'bwrap', reason: null, network: 'loopback' } as const;
    expect(ceilingSetBy({ unconfined: false, confinement: ran, ceiling: null }, { keyless: true, repoId: 'r1' }, [])).toEqual({ network: 'loopback', keyless: true, repoId: 'r1', withheld: [] });
    // What it went without (its own list, its lane's), and what its own asker went without.
    const held = { network: 'none', keyless: true, repoId: 'r1', withheld: ['GARDEN_API_KEY', 'AWS_SECRET_ACCESS_KEY'] } as const;
    expect(ceilingSetBy({ unconfined: false, confinement: ran, ceiling: { ...held, withheld: [...held.withheld] } }, { keyless: false, repoId: 'r1' }, ['NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY'])).toEqual({
      network: 'loopback',
      keyless: true,
      repoId: 'r1',
      withheld: ['AWS_SECRET_ACCESS_KEY', 'GARDEN_API_KEY', 'NPM_TOKEN'],
    });
    expect(ceilingSetBy({ unconfined: false, confinement: ran, ceiling: null }, null, ['NPM_TOKEN'])).toEqual({ network: 'loopback', keyless: false, repoId: null, withheld: ['NPM_TOKEN'] });
    expect(ceilingSetBy({ unconfined: true, confinement: null, ceiling: null }, { keyless: true, repoId: 'r1' }, ['NPM_TOKEN'])).toBeNull();
    expect(ceilingSetBy({ unconfined: false, confinement: null, ceiling: null }, null, [])).toEqual({ network: 'none', keyless: true, repoId: null, withheld: [] });
  });

  it('makes an agent key-less in a repository not its asker\'s, or where its asker was key-less; never without a ceiling', () => {
    const keyed = { network: 'open', keyless: false, repoId: 'r1', withheld: [] } as const;
    expect(keylessUnder(keyed, 'r1')).toBe(false);
    expect(keylessUnder(keyed, 'r2')).toBe(true);
    expect(keylessUnder({ ...keyed, repoId: null }, 'r1')).toBe(true);
    expect(keylessUnder({ ...keyed, keyless: true }, 'r1')).toBe(true);
    expect(keylessUnder(null, 'r1')).toBe(false);
  });

  it("hides MAIN's keyed files from an agent held key-less by its ceiling, in a lane that holds keys", () => {
    const root = realpathSync(makeTempDir());
    const main = makeRepo(join(root, 'flower'));
    writeFileSync(join(main, '.env'), 'STRIPE_KEY=sk_live_1\n');
    const lanePath = addWorktree(main, join(root, 'flower-design'), 'design');
    const keyed: WorkPlace = { mainPath: main, config: { setup: { copy: ['.env'] } }, keyless: false };
    const { deps, agentDir } = setUp(keyed);
    const argsUnder = (keyless: boolean) =>
      confineLaunch(deps, { lanePath, agentDir, unconfined: false, ceiling: { network: 'open', keyless, repoId: 'r1', withheld: [] }, statePaths: [], env: {} }).wrap('sh', [], {}).args;
    expect(argsUnder(false)).not.toContain(join(main, '.env'));
    expect(argsUnder(true)).toContain(join(main, '.env'));
  });

  it("tells a capped agent refused for another reason to be dispatched by the operator, not to run unconfined", () => {
    const none: WorkPlace = { mainPath: null, config: { lanes: { network: 'none' } }, keyless: false };
    const { deps, lanePath, agentDir } = setUp(none, { bridge: null });
    const l = confineLaunch(deps, { lanePath, agentDir, unconfined: false, ceiling: { network: 'none', keyless: false, repoId: null, withheld: [] }, statePaths: [], env: {} });
    expect(() => l.wrap('sh', [], {})).toThrow(/use a shorter GROVE_HOME\. Fix that, or dispatch it yourself/);
  });
});
