/**
 * File paths in one logical line of terminal output, as agents, compilers and test runners
 * print them: `src/a.ts`, `./x.ts:12:5`, `/abs/file.py:3`, `src/a.ts(12,5)`, a Python
 * traceback's `File "src/m.py", line 3`, a diff header's `b/src/a.ts`. Only the text is
 * looked at: whether a candidate exists (and is inside the lane) is the host's to say, at
 * click time. Web links are left to the web-links addon (masked out first), so one click
 * never opens both.
 *
 * To keep prose from lighting up (`and/or`, `1/2`, `TCP/IP`), a candidate needs a letter,
 * and either an extension on its last part, a leading `./` or `../`, or (for a bare name
 * without any slash) a line number after it.
 */
export interface PathCandidate {
  /** Offsets in the line: the linked text, the line suffix included; `end` exclusive. */
  start: number;
  end: number;
  /** The path as printed (a diff header's `a/` or `b/` dropped). */
  path: string;
  line: number | null;
  column: number | null;
}

const SEGMENT_CHAR = String.raw`[\p{L}\p{N}_.@+\-$%=~]`;
/** A run of path characters; the left boundary keeps a match from starting mid-word or mid-path. */
const PATH_RUN = new RegExp(String.raw`(?<![\p{L}\p{N}_.@+\-$%=~/\\])(?:\.{1,2}/|/)?(?:${SEGMENT_CHAR}+/)*${SEGMENT_CHAR}+/?`, 'gu');
/** Any scheme's URL (http, file, ssh…), up to whitespace or a quote. */
const URL_RUN = /[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'<>`]*/g;
/** Punctuation that ends a sentence rather than a path. */
const TRAILING = /[.,;:!?\-~=]+$/u;
const EXTENSION = /[^/.]\.[\p{L}\p{N}_]{1,12}$/u;
const HAS_LETTER = /\p{L}/u;
/** `:12`, `:12:5`, `(12)`, `(12,5)`, `(12, 5)`, and Python's `", line 12`. */
const SUFFIX = /^(?::(\d+)(?::(\d+))?|\((\d+)(?:,\s?(\d+))?\)|",? line (\d+))/;
/** A unified diff's header lines, whose paths carry git's `a/` and `b/` prefixes. */
const DIFF_HEADER = /^(?:diff --git |--- |\+\+\+ )/;
const NOT_FILES = new Set(['/dev/null']);

export function findFilePaths(text: string): PathCandidate[] {
  const masked = text.replace(URL_RUN, (url) => ' '.repeat(url.length));
  const isDiffHeader = DIFF_HEADER.test(text);
  const found: PathCandidate[] = [];
  for (const m of masked.matchAll(PATH_RUN)) {
    let start = m.index;
    let path = m[0].replace(TRAILING, '');
    if (path.endsWith('/')) continue; // a directory: nothing to open or diff
    if (!isPlausiblePath(path)) continue;
    const after = masked.slice(start + path.length);
    const suffix = SUFFIX.exec(after);
    const line = suffix ? Number(suffix[1] ?? suffix[3] ?? suffix[5]) : null;
    const column = suffix && (suffix[2] ?? suffix[4]) ? Number(suffix[2] ?? suffix[4]) : null;
    if (!path.includes('/') && line === null) continue;
    if (NOT_FILES.has(path)) continue;
    // Python's suffix starts with the closing quote: the link stops at the path.
    let end = start + path.length + (suffix && suffix[5] === undefined ? suffix[0].length : 0);
    if (isDiffHeader && /^[ab]\//.test(path)) {
      path = path.slice(2);
      start += 2;
    }
    if (end <= start) end = start + path.length;
    found.push({ start, end, path, line, column });
  }
  return found;
}

function isPlausiblePath(path: string): boolean {
  if (!HAS_LETTER.test(path) || path.includes('//')) return false;
  if (path.startsWith('./') || path.startsWith('../')) return path.length > 3;
  return EXTENSION.test(path);
}
