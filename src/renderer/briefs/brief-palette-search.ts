import type { BriefSummary } from '../../shared/briefs';
import type { PaletteCommand } from '../palette/palette-command';
import type { PaletteSearch } from '../palette/palette-search';
import { briefName, briefRef, statusLabel } from './brief-labels';

/** How many briefs the palette lists for a query, and with none (newest activity first, any status). */
const FOUND = 8;
const LATEST = 5;

/** A brief's number as the query may name it: "12" or "#12" (numbers start at 1). */
const NUMBER = /^#?([1-9]\d{0,8})$/;
/** A query the search can use holds a letter or a digit ("#" or "—" alone finds nothing, not everything). */
const SEARCHABLE = /[\p{L}\p{N}]/u;

type ListBriefs = (params: { query?: string; limit: number }) => Promise<{ ok: true; value: { briefs: BriefSummary[] } } | { ok: false; error: { message: string } }>;

/**
 * The palette's briefs: "#12" (or "12") opens that brief at once; words find briefs by their
 * title, spec and trace, as the briefs list's search does (`briefs.list`'s `query`); an empty
 * query lists the latest. Each opens in the briefs view. The brief a number names is listed
 * under a heading of its own, first (palette-search.ts says why).
 */
export function briefPaletteSearch(list: ListBriefs, open: (number: number) => void): PaletteSearch {
  const command = (number: number, title: string, detail?: string, keywords: string[] = []): PaletteCommand => ({
    id: `brief:${number}`,
    group: 'Briefs',
    title,
    detail,
    keywords: ['brief', ...keywords],
    run: () => open(number),
  });
  return {
    now(query) {
      const n = NUMBER.exec(query.trim());
      return n ? [{ ...command(Number(n[1]), `Open brief ${briefRef(Number(n[1]))}`), group: 'Brief by its number' }] : [];
    },
    async find(query) {
      const q = query.trim();
      if (q !== '' && !SEARCHABLE.test(q)) return [];
      const named = NUMBER.test(q);
      // A number is a brief's (answered by now()) and also words of some: both are asked.
      const r = await list(q === '' ? { limit: LATEST } : { query: q.replace(/^#/, ''), limit: FOUND });
      if (!r.ok) return [{ id: 'brief:search-failed', group: 'Briefs', title: 'Briefs could not be searched', hint: r.error.message, disabled: true, run: () => undefined }];
      const found = r.value.briefs.map((b) => command(b.number, briefName(b), `${b.kind} · ${statusLabel(b.status)}`, [b.kind, b.status]));
      if (!named) return found;
      // The brief the number names first, then those whose words hold it.
      const n = Number(NUMBER.exec(q)![1]);
      return [...found.filter((c) => c.id === `brief:${n}`), ...found.filter((c) => c.id !== `brief:${n}`)];
    },
  };
}
