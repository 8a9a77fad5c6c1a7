/**
 * Counted nouns through Intl.PluralRules: "1 commit", "3 commits", never "commit(s)". The
 * UI speaks English; the table holds each noun's forms where "+s" is wrong.
 */
const rules = new Intl.PluralRules('en');

const IRREGULAR: Record<string, string> = {
  entry: 'entries',
  repository: 'repositories',
  is: 'are',
  was: 'were',
};

export function pluralOf(noun: string): string {
  return IRREGULAR[noun] ?? `${noun}s`;
}

/** The noun alone, in the form `n` takes. */
export function nounFor(n: number, noun: string): string {
  return rules.select(n) === 'one' ? noun : pluralOf(noun);
}

/** "1 agent", "0 agents", "1,204 lines". */
export function count(n: number, noun: string): string {
  // Below a thousand an integer reads the same without ICU, whose first use costs ~4 ms of
  // the cockpit's first render.
  const digits = Number.isInteger(n) && Math.abs(n) < 1000 ? String(n) : n.toLocaleString('en');
  return `${digits} ${nounFor(n, noun)}`;
}
