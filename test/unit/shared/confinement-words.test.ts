import { describe, expect, it } from 'vitest';
import { describeConfinement, knownConfinement } from '../../../src/shared/confinement-words';

describe('how an agent runs, in words', () => {
  it('names the mechanism, and the network only when it is taken away', () => {
    expect(describeConfinement({ confined: true, mechanism: 'bwrap', reason: null, network: 'open' })).toBe('confined (bwrap)');
    expect(describeConfinement({ confined: true, mechanism: 'bwrap', reason: null, network: 'none' })).toBe('confined (bwrap, network none)');
    expect(describeConfinement({ confined: true, mechanism: 'bwrap', reason: null, network: 'loopback' })).toBe('confined (bwrap, network loopback)');
    expect(describeConfinement({ confined: false, mechanism: null, reason: 'grove.yaml turns confinement off (lanes.confine: false)', network: 'open' })).toBe(
      'unconfined: grove.yaml turns confinement off (lanes.confine: false)',
    );
  });

  it('says when an agent is held to the agent that dispatched it, and key-less for it', () => {
    const none = { confined: true, mechanism: 'bwrap', reason: null, network: 'none' } as const;
    expect(describeConfinement(none, { network: 'none', keyless: false, repoId: null, withheld: [] })).toBe('confined (bwrap, network none, no freer than the agent that dispatched it)');
    expect(describeConfinement({ ...none, network: 'open' }, { network: 'open', keyless: true, repoId: null, withheld: [] })).toBe('confined (bwrap, no freer than the agent that dispatched it, key-less)');
    expect(describeConfinement(none, null)).toBe('confined (bwrap, network none)');
  });

  it('before a first run knows only what was asked at launch', () => {
    const ran = { confined: true, mechanism: 'bwrap', reason: null, network: 'open' } as const;
    expect(knownConfinement({ unconfined: false, confinement: ran })).toBe(ran);
    expect(knownConfinement({ unconfined: false, confinement: null })).toBeNull();
    expect(knownConfinement({ unconfined: true, confinement: null })).toMatchObject({ confined: false, reason: 'asked for at launch' });
  });
});
