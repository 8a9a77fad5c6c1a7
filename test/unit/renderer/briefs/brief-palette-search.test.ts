import { describe, expect, it } from 'vitest';
import type { BriefSummary } from '../../../../src/shared/briefs';
import { briefPaletteSearch } from '../../../../src/renderer/briefs/brief-palette-search';

const summary = (number: number, title: string): BriefSummary => ({ number, title, kind: 'feature', status: 'in_progress' }) as BriefSummary;

/** A `briefs.list` that answers `briefs` and records what it was asked. */
function listing(briefs: BriefSummary[]) {
  const asked: unknown[] = [];
  const list = async (params: { query?: string; limit: number }) => {
    asked.push(params);
    return { ok: true as const, value: { briefs } };
  };
  return { asked, list };
}

describe('the palette\'s briefs', () => {
  it('"#12" and "12" name brief 12 at once, before any answer; words name nothing', () => {
    const opened: number[] = [];
    const search = briefPaletteSearch(listing([]).list, (n) => opened.push(n));
    expect(search.now('#12').map((c) => [c.id, c.title, c.group])).toEqual([['brief:12', 'Open brief #12', 'Brief by its number']]);
    expect(search.now(' 12 ').map((c) => c.id)).toEqual(['brief:12']);
    expect(search.now('login page')).toEqual([]);
    expect(search.now('#12a')).toEqual([]);
    // Numbers start at 1.
    expect(search.now('#0')).toEqual([]);
    expect(search.now('012')).toEqual([]);
    search.now('#12')[0]!.run();
    expect(opened).toEqual([12]);
  });

  it('asks briefs.list with the words (or the latest few for none) and opens the brief found', async () => {
    const opened: number[] = [];
    const { asked, list } = listing([summary(3, 'The login page'), summary(7, 'Login errors')]);
    const search = briefPaletteSearch(list, (n) => opened.push(n));
    const found = await search.find('login');
    expect(found.map((c) => [c.id, c.title, c.group, c.detail])).toEqual([
      ['brief:3', '#3 The login page', 'Briefs', 'feature · in progress'],
      ['brief:7', '#7 Login errors', 'Briefs', 'feature · in progress'],
    ]);
    found[1]!.run();
    expect(opened).toEqual([7]);
    await search.find('');
    expect(asked).toEqual([{ query: 'login', limit: 8 }, { limit: 5 }]);
  });

  it('a number: the brief it names first, then those whose words hold it; "#" is not sent', async () => {
    const { asked, list } = listing([summary(120, 'Twelve screens'), summary(12, 'The login page')]);
    const found = await briefPaletteSearch(list, () => undefined).find('#12');
    expect(found.map((c) => c.id)).toEqual(['brief:12', 'brief:120']);
    expect(asked).toEqual([{ query: '12', limit: 8 }]);
  });

  it('a query with no letter or digit ("#", "—") finds nothing, and the host is not asked', async () => {
    const { asked, list } = listing([summary(3, 'The login page')]);
    const search = briefPaletteSearch(list, () => undefined);
    expect(await search.find('#')).toEqual([]);
    expect(await search.find(' — ')).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('a refusal shows as a disabled entry that says why, not as nothing found', async () => {
    const search = briefPaletteSearch(async () => ({ ok: false, error: { message: 'the host is not connected' } }), () => undefined);
    expect(await search.find('login')).toEqual([expect.objectContaining({ title: 'Briefs could not be searched', hint: 'the host is not connected', disabled: true })]);
  });
});
