/**
 * Edits dotenv text (a lane's copied .env) without reformatting it: comments, blank lines,
 * order, `export ` prefixes, spacing around `=`, trailing comments and line endings stay
 * as they were; only the entries named change. Pure functions on strings; reading and
 * writing the files is lane-files.ts's job.
 *
 * Parsing follows what the common loaders (dotenv for Node, phpdotenv, docker compose)
 * agree on: `[export ]KEY=value`; a value opened by a quote (" ' or `) runs to the matching
 * unescaped quote, on a later line if need be; a quote that is never closed is just a
 * character of a one-line value; an unquoted value ends before ` #` (a comment).
 */

interface Entry {
  key: string;
  /** First and last line of the entry (more than one for a multi-line quoted value). */
  first: number;
  last: number;
  /** Everything before the value: indentation, `export `, the key, `=` and spaces. */
  head: string;
  /** A comment after the value, with the space before it; '' if none. */
  comment: string;
}

interface Parsed {
  /** Lines without their terminators, and the terminators ('' for a last line without one). */
  lines: string[];
  eols: string[];
  entries: Entry[];
}

const ENTRY = /^(\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=[ \t]*)(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

function parse(text: string): Parsed {
  const lines: string[] = [];
  const eols: string[] = [];
  for (const raw of text.match(/[^\n]*\n|[^\n]+$/g) ?? []) {
    const eol = raw.endsWith('\r\n') ? '\r\n' : raw.endsWith('\n') ? '\n' : '';
    lines.push(raw.slice(0, raw.length - eol.length));
    eols.push(eol);
  }
  const entries: Entry[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ENTRY.exec(lines[i]!);
    if (!m) continue;
    const [, head = '', key = '', rest = ''] = m;
    const quote = rest[0] ?? '';
    if (QUOTES.has(quote)) {
      const close = findClosingQuote(lines, i, head.length + 1, quote);
      if (close) {
        entries.push({ key, first: i, last: close.line, head, comment: commentAfterQuote(lines[close.line]!.slice(close.column + 1)) });
        i = close.line;
        continue;
      }
    }
    entries.push({ key, first: i, last: i, head, comment: /\s+#.*$/.exec(rest)?.[0] ?? '' });
  }
  return { lines, eols, entries };
}

function findClosingQuote(lines: readonly string[], line: number, column: number, quote: string): { line: number; column: number } | null {
  for (let l = line; l < lines.length; l++) {
    const text = lines[l]!;
    for (let c = l === line ? column : 0; c < text.length; c++) {
      if (text[c] === '\\') c++;
      else if (text[c] === quote) return { line: l, column: c };
    }
  }
  return null;
}

function commentAfterQuote(rest: string): string {
  const hash = rest.indexOf('#');
  if (hash < 0) return '';
  return /^\s/.test(rest) ? rest : ` ${rest.slice(hash)}`;
}

/**
 * A value as dotenv loaders and `set -a; . ./.env` both read it back: bare when it is
 * plain, single-quoted (literal, no `$` expansion) when it has spaces or shell and dotenv
 * specials, double-quoted with escapes only when it holds a single quote or a line break
 * (or ends with a backslash). Loaders differ on escapes inside double quotes (Node's
 * dotenv reads only \n and \r), which is why that form is the last resort.
 */
export function formatDotenvValue(value: string): string {
  if (/^[A-Za-z0-9_.,:/@+\-=%]*$/.test(value)) return value;
  // A backslash before the closing quote would read as escaping it.
  if (!/['\r\n]/.test(value) && !value.endsWith('\\')) return `'${value}'`;
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\$/g, '\\$')
    .replace(/`/g, '\\`')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
  return `"${escaped}"`;
}

/**
 * Sets each key to its value. A key that appears more than once has every occurrence
 * replaced (loaders disagree on which one wins, so all of them must say the same); a key
 * that is missing is appended at the end, in the order of `values`.
 */
export function setDotenvKeys(text: string, values: Record<string, string>): string {
  const { lines, eols, entries } = parse(text);
  const byFirstLine = new Map(entries.map((e) => [e.first, e]));
  const seen = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const e = byFirstLine.get(i);
    if (e && Object.hasOwn(values, e.key)) {
      seen.add(e.key);
      out.push(`${e.head}${formatDotenvValue(values[e.key]!)}${e.comment}${eols[e.last]}`);
      i = e.last;
    } else {
      out.push(`${lines[i]}${eols[i]}`);
    }
  }
  const missing = Object.keys(values).filter((k) => !seen.has(k));
  if (missing.length === 0) return out.join('');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let result = out.join('');
  if (result !== '' && !result.endsWith('\n')) result += eol;
  for (const key of missing) result += `${key}=${formatDotenvValue(values[key]!)}${eol}`;
  return result;
}

/**
 * Removes every entry whose key matches one of the patterns (`*` matches any run of
 * characters: `*_API_KEY`, `AWS_*`), all of its lines included. Comments above a removed
 * entry stay: they may describe more than that one key. `removed` lists each removed key
 * once, in the order it first appeared.
 */
export function stripDotenvKeys(text: string, patterns: string[]): { text: string; removed: string[] } {
  if (patterns.length === 0) return { text, removed: [] };
  const matchers = patterns.map(keyPatternToRegExp);
  const { lines, eols, entries } = parse(text);
  const byFirstLine = new Map(entries.map((e) => [e.first, e]));
  const removed = new Set<string>();
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const e = byFirstLine.get(i);
    if (e && matchers.some((m) => m.test(e.key))) {
      removed.add(e.key);
      i = e.last;
    } else {
      out.push(`${lines[i]}${eols[i]}`);
    }
  }
  return removed.size === 0 ? { text, removed: [] } : { text: out.join(''), removed: [...removed] };
}

/** `*_API_KEY` → a whole-name matcher; shared with the key-less lane's environment. */
export function keyPatternToRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
