/**
 * Reads the unified patch `lanes.diff` returns (git diff-tree -p -M) into files, hunks and
 * numbered lines, and pairs a hunk's lines for a side-by-side view. Pure and DOM-free: the
 * diff view renders the result as plain text. Inside a hunk, lines are read by the counts
 * in its `@@` header, so a removed line that itself begins with `--- ` is not taken for a
 * file header. A patch cut short (the host caps it) parses up to where it stops.
 */
export type LineKind = 'context' | 'add' | 'del';

export interface PatchLine {
  kind: LineKind | 'note';
  /** The line without its leading ' ', '+' or '-' (a note is git's `\ No newline…`). */
  text: string;
  oldNo: number | null;
  newNo: number | null;
}

export interface Hunk {
  header: string;
  oldStart: number;
  newStart: number;
  lines: PatchLine[];
}

export interface PatchFile {
  /** null when the file was added. */
  oldPath: string | null;
  /** null when the file was deleted. */
  newPath: string | null;
  /** Git's extended header lines: modes, similarity, index. */
  meta: string[];
  isBinary: boolean;
  hunks: Hunk[];
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parsePatch(patch: string): PatchFile[] {
  const lines = patch.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const files: PatchFile[] = [];
  let file: PatchFile | null = null;
  let hunk: Hunk | null = null;
  let oldLeft = 0;
  let newLeft = 0;
  let oldNo = 0;
  let newNo = 0;

  for (const line of lines) {
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const sign = line[0] ?? ' '; // an empty line is a context line whose space was stripped
      const text = line.slice(1);
      if (sign === ' ') {
        hunk.lines.push({ kind: 'context', text, oldNo: oldNo++, newNo: newNo++ });
        oldLeft -= 1;
        newLeft -= 1;
        continue;
      }
      if (sign === '-') {
        hunk.lines.push({ kind: 'del', text, oldNo: oldNo++, newNo: null });
        oldLeft -= 1;
        continue;
      }
      if (sign === '+') {
        hunk.lines.push({ kind: 'add', text, oldNo: null, newNo: newNo++ });
        newLeft -= 1;
        continue;
      }
      if (sign === '\\') {
        hunk.lines.push({ kind: 'note', text: line, oldNo: null, newNo: null });
        continue;
      }
      // Anything else means the counts lied (or the patch is not git's): read it as a header.
      hunk = null;
    } else if (hunk && line.startsWith('\\')) {
      hunk.lines.push({ kind: 'note', text: line, oldNo: null, newNo: null });
      continue;
    }

    if (line.startsWith('diff --git ')) {
      const [oldPath, newPath] = pathsOfGitHeader(line.slice('diff --git '.length));
      file = { oldPath, newPath, meta: [], isBinary: false, hunks: [] };
      files.push(file);
      hunk = null;
      continue;
    }
    if (!file) continue;
    const h = HUNK_HEADER.exec(line);
    if (h) {
      oldNo = Number(h[1]);
      newNo = Number(h[3]);
      oldLeft = h[2] === undefined ? 1 : Number(h[2]);
      newLeft = h[4] === undefined ? 1 : Number(h[4]);
      hunk = { header: line, oldStart: oldNo, newStart: newNo, lines: [] };
      file.hunks.push(hunk);
      continue;
    }
    readHeaderLine(file, line);
  }
  return files;
}

function readHeaderLine(file: PatchFile, line: string): void {
  if (line.startsWith('--- ')) file.oldPath = pathOfSide(line.slice(4), 'a/');
  else if (line.startsWith('+++ ')) file.newPath = pathOfSide(line.slice(4), 'b/');
  else if (line.startsWith('new file mode')) {
    file.oldPath = null;
    file.meta.push(line);
  } else if (line.startsWith('deleted file mode')) {
    file.newPath = null;
    file.meta.push(line);
  } else if (line.startsWith('rename from ') || line.startsWith('copy from ')) {
    file.oldPath = unquote(line.slice(line.indexOf(' from ') + 6));
    file.meta.push(line);
  } else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
    file.newPath = unquote(line.slice(line.indexOf(' to ') + 4));
    file.meta.push(line);
  } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
    file.isBinary = true;
  } else if (line.startsWith('index ') || line.startsWith('old mode') || line.startsWith('new mode') || line.startsWith('similarity index') || line.startsWith('dissimilarity index')) {
    file.meta.push(line);
  }
  // Anything else (the body of a binary patch) is not shown.
}

/** `--- a/x`, `+++ b/x` or `/dev/null`; git may add a tab after a path with spaces. */
function pathOfSide(raw: string, prefix: string): string | null {
  const p = unquote(raw.replace(/\t$/, ''));
  if (p === '/dev/null') return null;
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

/**
 * `a/x b/y` after `diff --git `. Unquoted paths with spaces are ambiguous; git makes both
 * halves the same unless the file was renamed, and then `rename from/to` follow and win.
 */
function pathsOfGitHeader(rest: string): [string | null, string | null] {
  let a: string;
  let b: string;
  if (rest.startsWith('"')) {
    const end = endOfQuoted(rest);
    a = unquote(rest.slice(0, end));
    b = unquote(rest.slice(end + 1));
  } else {
    const half = (rest.length - 1) / 2;
    if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) {
      a = rest.slice(0, half);
      b = rest.slice(half + 1);
    } else {
      const at = rest.indexOf(rest.endsWith('"') ? ' "' : ' b/');
      a = at < 0 ? rest : rest.slice(0, at);
      b = at < 0 ? rest : unquote(rest.slice(at + 1));
    }
  }
  return [strip(a, 'a/'), strip(b, 'b/')];
}

function strip(p: string, prefix: string): string {
  return p.startsWith(prefix) ? p.slice(prefix.length) : p;
}

function endOfQuoted(s: string): number {
  for (let i = 1; i < s.length; i += 1) {
    if (s[i] === '\\') i += 1;
    else if (s[i] === '"') return i + 1;
  }
  return s.length;
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '"': 34, '\\': 92 };
const utf8 = new TextEncoder();

/** Git's C-style quoting: `"caf\303\251 menu.txt"` → `café menu.txt` (octal escapes are UTF-8 bytes). */
export function unquote(s: string): string {
  if (!(s.length >= 2 && s.startsWith('"') && s.endsWith('"'))) return s;
  const bytes: number[] = [];
  const body = s.slice(1, -1);
  for (let i = 0; i < body.length; i += 1) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...utf8.encode(c));
      continue;
    }
    const next = body[i + 1] ?? '';
    const octal = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else {
      bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

/** The path a reader knows the file by: its new path, or the old one when it was deleted. */
export function pathOf(f: PatchFile): string {
  return f.newPath ?? f.oldPath ?? '';
}

export interface SideCell {
  kind: LineKind;
  no: number;
  text: string;
}

export type SideRow = { kind: 'pair'; left: SideCell | null; right: SideCell | null } | { kind: 'note'; text: string };

/**
 * A hunk as rows of old (left) and new (right): context on both sides, and each run of
 * removed lines set against the run of added lines that follows it, line by line.
 */
export function sideBySide(hunk: Hunk): SideRow[] {
  const rows: SideRow[] = [];
  let dels: SideCell[] = [];
  let adds: SideCell[] = [];
  const flush = (): void => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i += 1) {
      rows.push({ kind: 'pair', left: dels[i] ?? null, right: adds[i] ?? null });
    }
    dels = [];
    adds = [];
  };
  for (const l of hunk.lines) {
    switch (l.kind) {
      case 'del':
        if (adds.length > 0) flush();
        dels.push({ kind: 'del', no: l.oldNo!, text: l.text });
        break;
      case 'add':
        adds.push({ kind: 'add', no: l.newNo!, text: l.text });
        break;
      case 'context':
        flush();
        rows.push({ kind: 'pair', left: { kind: 'context', no: l.oldNo!, text: l.text }, right: { kind: 'context', no: l.newNo!, text: l.text } });
        break;
      case 'note':
        flush();
        rows.push({ kind: 'note', text: l.text });
        break;
    }
  }
  flush();
  return rows;
}
