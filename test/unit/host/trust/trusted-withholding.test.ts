import { describe, expect, it } from 'vitest';
import { commandEntries } from '../../../../src/host/trust/command-digest';
import { withTrustedWithholding } from '../../../../src/host/trust/trusted-withholding';
import type { GroveConfig } from '../../../../src/shared/config';

const trusted: GroveConfig = {
  lanes: { keyless: true, hidden: ['~/.aws'], network: 'loopback' },
  setup: { stripKeys: ['*_SECRET'], postCreate: ['npm ci'] },
};

describe('what the last trust withheld', () => {
  it('still holds under a file that withholds less: keys, hidden paths, key-less lanes and the network', () => {
    const pulled: GroveConfig = { lanes: { network: 'open' }, setup: { postCreate: ['npm ci'] }, ports: { start: 4000 } };
    expect(withTrustedWithholding(pulled, commandEntries(trusted))).toEqual({
      lanes: { keyless: true, hidden: ['~/.aws'], network: 'loopback' },
      setup: { stripKeys: ['*_SECRET'], postCreate: ['npm ci'] },
      ports: { start: 4000 },
    });
  });

  it('adds what a file withholds besides, and keeps its stricter network', () => {
    const tighter: GroveConfig = { lanes: { hidden: ['secrets'], network: 'none' }, setup: { stripKeys: ['*_TOKEN'] } };
    expect(withTrustedWithholding(tighter, commandEntries(trusted))).toEqual({
      lanes: { keyless: true, hidden: ['secrets', '~/.aws'], network: 'none' },
      setup: { stripKeys: ['*_TOKEN', '*_SECRET'] },
    });
  });

  it('changes nothing where the file is the trusted one, or nothing was trusted', () => {
    expect(withTrustedWithholding(trusted, commandEntries(trusted))).toEqual(trusted);
    const plain: GroveConfig = { setup: { postCreate: ['make'] } };
    expect(withTrustedWithholding(plain, [])).toEqual(plain);
    expect(withTrustedWithholding({}, commandEntries({ setup: { postCreate: ['make'] } }))).toEqual({});
  });
});
