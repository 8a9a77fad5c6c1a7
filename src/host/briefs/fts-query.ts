/**
 * A person's search words as an FTS5 query: each word quoted (so `-`, `:`, `*`, `AND` and
 * quotes are text, never syntax), all required, the last one matched as a prefix so results
 * follow the typing. Null when there is no word to look for.
 */
export function ftsQuery(input: string): string | null {
  const words = input.match(/[\p{L}\p{N}_]+/gu);
  if (!words || words.length === 0) return null;
  return words.map((w, i) => `"${w}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}
