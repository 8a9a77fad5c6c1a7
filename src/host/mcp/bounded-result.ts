import { CHARS_PER_TOKEN } from '../briefs/recall-brief';

/**
 * Every MCP tool result stays under a token budget: an agent's CLI caps what a tool may
 * return (and every token costs the agent context), so a brief with 5,000 entries or a
 * 200,000-character plan must still come back whole-shaped and small. Pure functions, so the
 * cutting is unit-tested apart from the server.
 *
 * What is cut is said in place: a long string ends with "… [N more characters]", and a list
 * that had to be shortened is named in `notes` ("entries: 12 of 40 shown, … 28 more").
 */
export const MAX_RESULT_TOKENS = 8_000;
export const MAX_RESULT_CHARS = MAX_RESULT_TOKENS * CHARS_PER_TOKEN;
/** A string is never cut shorter than this: below it, lists are shortened instead. */
const MIN_STRING = 200;
/** Room for the marker a cut string ends with. */
const CUT_MARK_ROOM = 40;

export interface Fitted<T> {
  value: T;
  /** One sentence per cut list, empty when nothing was cut from a list. */
  notes: string[];
  /** Whether anything (a string or a list) was cut. */
  cut: boolean;
}

/** Approximate tokens of a text: the usual four characters per token. */
export function approxTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export function cutString(s: string, keep: number): string {
  if (s.length <= keep) return s;
  return `${s.slice(0, keep)}… [${(s.length - keep).toLocaleString('en')} more characters]`;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

/**
 * Shrinks a JSON value until its serialization is at most `maxChars`: first the longest
 * strings are cut (each just enough, never below MIN_STRING characters), then the longest
 * lists lose items from their end (each kept as long as still fits). `more` says how to read
 * what a shortened list left out ("page with cursor"). The input is not changed.
 */
export function fitJson<T>(value: T, maxChars = MAX_RESULT_CHARS, more = ''): Fitted<T> {
  let v = JSON.parse(JSON.stringify(value)) as Json;
  const notes: string[] = [];
  let cut = false;
  let size = JSON.stringify(v).length;
  while (size > maxChars) {
    cut = true;
    const excess = size - maxChars;
    const longest = longestLeaf(v, (x) => typeof x === 'string' && x.length > MIN_STRING + CUT_MARK_ROOM);
    if (longest) {
      const s = get(v, longest.path) as string;
      const keep = Math.max(MIN_STRING, s.length - excess - CUT_MARK_ROOM);
      v = set(v, longest.path, cutString(s, keep));
    } else {
      const list = longestLeaf(v, (x) => Array.isArray(x) && x.length > 0);
      if (!list) break;
      const items = get(v, list.path) as Json[];
      // The most items that still fit (0 when even none do: the next longest list goes next).
      let lo = 0;
      let hi = items.length - 1;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        if (JSON.stringify(set(v, list.path, items.slice(0, mid))).length <= maxChars) lo = mid;
        else hi = mid - 1;
      }
      v = set(v, list.path, items.slice(0, lo));
      const left = items.length - lo;
      notes.push(`${list.path.length ? list.path.join('.') : 'the result'}: ${lo} of ${items.length} shown, … ${left.toLocaleString('en')} more${more ? `, ${more}` : ''}`);
    }
    size = JSON.stringify(v).length;
  }
  return { value: v as T, notes, cut };
}

/** The leaf (or list) matching `pick` whose serialization is longest. */
function longestLeaf(root: Json, pick: (x: Json) => boolean): { path: Path; size: number } | null {
  let best: { path: Path; size: number } | null = null;
  const walk = (x: Json, path: Path): void => {
    if (pick(x)) {
      const size = JSON.stringify(x).length;
      if (!best || size > best.size) best = { path, size };
      if (!Array.isArray(x)) return;
    }
    if (Array.isArray(x)) x.forEach((item, i) => walk(item, [...path, i]));
    else if (x !== null && typeof x === 'object') for (const [k, item] of Object.entries(x)) walk(item, [...path, k]);
  };
  walk(root, []);
  return best;
}

function get(root: Json, path: Path): Json {
  let x: Json = root;
  for (const k of path) x = (x as Record<string | number, Json>)[k]!;
  return x;
}

/** A copy of `root` with the value at `path` replaced (the parts off the path are shared). */
function set(root: Json, path: Path, value: Json): Json {
  if (path.length === 0) return value;
  const [k, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[k as number] = set(root[k as number]!, rest, value);
    return copy;
  }
  const obj = root as Record<string, Json>;
  return { ...obj, [k!]: set(obj[k as string]!, rest, value) };
}
