import { describe, expect, it } from 'vitest';
import { count, nounFor } from '../../../src/shared/plural';

describe('count', () => {
  it('says one and many the way a person does', () => {
    expect(count(1, 'commit')).toBe('1 commit');
    expect(count(0, 'commit')).toBe('0 commits');
    expect(count(2, 'repository')).toBe('2 repositories');
    expect(count(1204, 'line')).toBe('1,204 lines');
    expect(nounFor(1, 'entry')).toBe('entry');
    expect(nounFor(5, 'entry')).toBe('entries');
  });

  it('writes every number as the English locale does, with or without ICU', () => {
    for (const n of [0, 7, 999, 1000, -999, -1000, 1.5, 999.5, 12345.678]) {
      expect(count(n, 'line').split(' ')[0]).toBe(n.toLocaleString('en'));
    }
  });
});
