import { describe, expect, it } from 'vitest';
import { findFilePaths } from '../../../../src/renderer/terminals/find-file-paths';

/** The linked text and what it names, per candidate: what an operator would check. */
function links(line: string): Array<{ text: string; path: string; line: number | null; column: number | null }> {
  return findFilePaths(line).map((c) => ({ text: line.slice(c.start, c.end), path: c.path, line: c.line, column: c.column }));
}

describe('findFilePaths', () => {
  it('finds a relative path on its own and inside prose', () => {
    expect(links('src/foo/bar.ts')).toEqual([{ text: 'src/foo/bar.ts', path: 'src/foo/bar.ts', line: null, column: null }]);
    expect(links('I updated src/renderer/app.tsx and docs/keyboard.md.')).toEqual([
      { text: 'src/renderer/app.tsx', path: 'src/renderer/app.tsx', line: null, column: null },
      { text: 'docs/keyboard.md', path: 'docs/keyboard.md', line: null, column: null },
    ]);
  });

  it('takes a line and column after a colon, and after ./', () => {
    expect(links('./x.ts:12:5')).toEqual([{ text: './x.ts:12:5', path: './x.ts', line: 12, column: 5 }]);
    expect(links('/abs/path/file.py:3')).toEqual([{ text: '/abs/path/file.py:3', path: '/abs/path/file.py', line: 3, column: null }]);
  });

  it('reads tsc, old and new style', () => {
    expect(links("src/a.ts(12,5): error TS2322: Type 'string' is not assignable to type 'number'.")).toEqual([
      { text: 'src/a.ts(12,5)', path: 'src/a.ts', line: 12, column: 5 },
    ]);
    expect(links('src/shared/methods.ts:120:3 - error TS2339: Property \'x\' does not exist.')).toEqual([
      { text: 'src/shared/methods.ts:120:3', path: 'src/shared/methods.ts', line: 120, column: 3 },
    ]);
  });

  it('reads eslint, vitest and rustc', () => {
    expect(links('/home/me/grove/src/host/host.ts')).toEqual([{ text: '/home/me/grove/src/host/host.ts', path: '/home/me/grove/src/host/host.ts', line: null, column: null }]);
    expect(links('  12:5  error  \'x\' is defined but never used  @typescript-eslint/no-unused-vars')).toEqual([]);
    expect(links(' FAIL  test/unit/shared/errors.test.ts > httpStatusOf > maps codes')).toEqual([
      { text: 'test/unit/shared/errors.test.ts', path: 'test/unit/shared/errors.test.ts', line: null, column: null },
    ]);
    expect(links(' ❯ test/unit/shared/errors.test.ts:14:22')).toEqual([
      { text: 'test/unit/shared/errors.test.ts:14:22', path: 'test/unit/shared/errors.test.ts', line: 14, column: 22 },
    ]);
    expect(links('  --> src/main.rs:4:9')).toEqual([{ text: 'src/main.rs:4:9', path: 'src/main.rs', line: 4, column: 9 }]);
  });

  it('reads a Python traceback line, linking the path only', () => {
    expect(links('  File "app/models/user.py", line 42, in save')).toEqual([{ text: 'app/models/user.py', path: 'app/models/user.py', line: 42, column: null }]);
  });

  it('drops git\'s a/ and b/ prefixes in diff headers, and /dev/null', () => {
    expect(links('diff --git a/src/x.ts b/src/x.ts').map((l) => [l.text, l.path])).toEqual([
      ['src/x.ts', 'src/x.ts'],
      ['src/x.ts', 'src/x.ts'],
    ]);
    expect(links('--- /dev/null')).toEqual([]);
    expect(links('+++ b/docs/new.md').map((l) => l.path)).toEqual(['docs/new.md']);
    // Outside a header, a/ is part of the path.
    expect(links('see a/b.ts').map((l) => l.path)).toEqual(['a/b.ts']);
  });

  it('leaves URLs to the web-links addon', () => {
    expect(links('https://github.com/org/repo/blob/main/src/a.ts')).toEqual([]);
    expect(links('docs at http://localhost:5173/src/main.tsx and file:///etc/hosts.txt')).toEqual([]);
    expect(links('see https://example.com/a.js, then src/b.ts')).toEqual([{ text: 'src/b.ts', path: 'src/b.ts', line: null, column: null }]);
  });

  it('trims trailing punctuation and surrounding quotes and brackets', () => {
    expect(links('Edited `src/a.ts`, (src/b.ts); "src/c.ts". [src/d.ts]!').map((l) => l.text)).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    expect(links('Wrote ./build/out.js.').map((l) => l.text)).toEqual(['./build/out.js']);
    expect(links('at src/a.ts:12.').map((l) => l.text)).toEqual(['src/a.ts:12']);
  });

  it('does not light up prose, numbers, versions or directories', () => {
    expect(links('and/or TCP/IP 1/2 2024/01/02 v1.2.3 e.g. src/ ./ ../')).toEqual([]);
    expect(links('package.json')).toEqual([]); // a bare name needs a line number
    expect(links('package.json:3')).toEqual([{ text: 'package.json:3', path: 'package.json', line: 3, column: null }]);
  });

  it('keeps ../ paths and non-ASCII names', () => {
    expect(links('../shared/tokens.css:4').map((l) => l.path)).toEqual(['../shared/tokens.css']);
    expect(links('écrit docs/résumé.md').map((l) => l.path)).toEqual(['docs/résumé.md']);
  });
});
