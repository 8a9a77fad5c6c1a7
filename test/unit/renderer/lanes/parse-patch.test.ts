import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, makeRepo } from '../../../fixtures/git-repo';
import { commitIn, write } from '../../../fixtures/lane-repo';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';
import { parsePatch, pathOf, sideBySide, unquote, type PatchFile } from '../../../../src/renderer/lanes/parse-patch';

const modified = [
  'diff --git a/src/app.ts b/src/app.ts',
  'index 1111111..2222222 100644',
  '--- a/src/app.ts',
  '+++ b/src/app.ts',
  '@@ -1,4 +1,5 @@ export function app() {',
  ' one',
  '-two',
  '-three',
  '+TWO',
  '+THREE',
  '+extra',
  ' four',
  '',
].join('\n');

describe('parsePatch', () => {
  it('numbers the lines of a modified file on both sides', () => {
    const [f] = parsePatch(modified);
    expect(f).toMatchObject({ oldPath: 'src/app.ts', newPath: 'src/app.ts', isBinary: false });
    expect(f!.hunks).toHaveLength(1);
    expect(f!.hunks[0]!.header).toBe('@@ -1,4 +1,5 @@ export function app() {');
    expect(f!.hunks[0]!.lines).toEqual([
      { kind: 'context', text: 'one', oldNo: 1, newNo: 1 },
      { kind: 'del', text: 'two', oldNo: 2, newNo: null },
      { kind: 'del', text: 'three', oldNo: 3, newNo: null },
      { kind: 'add', text: 'TWO', oldNo: null, newNo: 2 },
      { kind: 'add', text: 'THREE', oldNo: null, newNo: 3 },
      { kind: 'add', text: 'extra', oldNo: null, newNo: 4 },
      { kind: 'context', text: 'four', oldNo: 4, newNo: 5 },
    ]);
  });

  it('reads an added and a deleted file, and a removed line that looks like a file header', () => {
    const patch = [
      'diff --git a/notes.md b/notes.md',
      'new file mode 100644',
      'index 0000000..3333333',
      '--- /dev/null',
      '+++ b/notes.md',
      '@@ -0,0 +1,2 @@',
      '+# Notes',
      '+hello',
      'diff --git a/old.sql b/old.sql',
      'deleted file mode 100644',
      'index 4444444..0000000',
      '--- a/old.sql',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '--- a comment in SQL',
      '-select 1;',
      '',
    ].join('\n');
    const files = parsePatch(patch);
    expect(files.map(pathOf)).toEqual(['notes.md', 'old.sql']);
    expect(files[0]).toMatchObject({ oldPath: null, newPath: 'notes.md' });
    expect(files[0]!.meta).toContain('new file mode 100644');
    expect(files[1]).toMatchObject({ oldPath: 'old.sql', newPath: null });
    expect(files[1]!.hunks[0]!.lines.map((l) => [l.kind, l.text])).toEqual([
      ['del', '-- a comment in SQL'],
      ['del', 'select 1;'],
    ]);
  });

  it('keeps "no newline at end of file" as a note and knows binary files and pure renames', () => {
    const patch = [
      'diff --git a/a.txt b/a.txt',
      'index 1..2 100644',
      '--- a/a.txt',
      '+++ b/a.txt',
      '@@ -1 +1 @@',
      '-old',
      '\\ No newline at end of file',
      '+new',
      '\\ No newline at end of file',
      'diff --git a/logo.png b/logo.png',
      'new file mode 100644',
      'index 0000000..5555555',
      'Binary files /dev/null and b/logo.png differ',
      'diff --git a/from name.txt b/to name.txt',
      'similarity index 100%',
      'rename from from name.txt',
      'rename to to name.txt',
      '',
    ].join('\n');
    const [text, png, renamed] = parsePatch(patch);
    expect(text!.hunks[0]!.lines.map((l) => l.kind)).toEqual(['del', 'note', 'add', 'note']);
    expect(png).toMatchObject({ newPath: 'logo.png', isBinary: true, hunks: [] });
    expect(renamed).toMatchObject({ oldPath: 'from name.txt', newPath: 'to name.txt', hunks: [] });
    expect(renamed!.meta).toContain('similarity index 100%');
  });

  it('reads quoted paths', () => {
    expect(unquote('"caf\\303\\251 \\"menu\\".txt"')).toBe('café "menu".txt');
    const [f] = parsePatch('diff --git "a/tab\\there" "b/tab\\there"\nnew file mode 100644\nindex 0..1\n--- /dev/null\n+++ "b/tab\\there"\n@@ -0,0 +1 @@\n+x\n');
    expect(f).toMatchObject({ oldPath: null, newPath: 'tab\there' });
  });

  it('parses a patch cut short as far as it goes', () => {
    const cut = modified.split('\n').slice(0, 8).join('\n') + '\n';
    const [f] = parsePatch(cut);
    expect(f!.hunks[0]!.lines.map((l) => l.text)).toEqual(['one', 'two', 'three']);
  });

  it('agrees with git on real patches: paths, counts and lines', () => {
    const repo = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    try {
      commitIn(repo, 'schema.sql', '-- header\nselect 1;\nselect 2;\n');
      commitIn(repo, 'keep.txt', Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n');
      commitIn(repo, 'moved.txt', 'same content, moved\n'.repeat(5));
      const base = git(repo, 'rev-parse', 'HEAD');
      write(repo, 'schema.sql', 'select 1;\nselect 2;\n');
      write(repo, 'keep.txt', Array.from({ length: 30 }, (_, i) => (i === 3 || i === 25 ? `LINE ${i + 1}` : `line ${i + 1}`)).join('\n'));
      write(repo, 'menu café.txt', 'new\n');
      write(repo, 'logo.bin', Buffer.from([0, 1, 2, 0, 255]));
      write(repo, 'dir/.keep', '');
      git(repo, 'mv', 'moved.txt', 'dir/moved.txt');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'changes');
      const patch = git(repo, '-c', 'core.quotePath=false', 'diff-tree', '-r', '-p', '-M', '--no-commit-id', '--no-color', base, 'HEAD') + '\n';
      const numstat = git(repo, '-c', 'core.quotePath=false', 'diff-tree', '-r', '-M', '--no-commit-id', '--numstat', base, 'HEAD');

      const files = parsePatch(patch);
      const counted = (f: PatchFile, kind: 'add' | 'del'): number => f.hunks.flatMap((h) => h.lines).filter((l) => l.kind === kind).length;
      expect(files.map(pathOf).sort()).toEqual(['dir/.keep', 'dir/moved.txt', 'keep.txt', 'logo.bin', 'menu café.txt', 'schema.sql']);
      for (const row of numstat.split('\n')) {
        const [added, deleted] = row.split('\t');
        const path = row.includes('=>') ? 'dir/moved.txt' : row.split('\t')[2]!;
        const f = files.find((x) => pathOf(x) === path)!;
        if (added === '-') expect(f.isBinary).toBe(true);
        else expect([counted(f, 'add'), counted(f, 'del')]).toEqual([Number(added), Number(deleted)]);
      }
      const keep = files.find((f) => pathOf(f) === 'keep.txt')!;
      expect(keep.hunks).toHaveLength(2);
      expect(keep.hunks[1]!.lines.find((l) => l.kind === 'add' && l.text === 'LINE 26')).toMatchObject({ newNo: 26 });
      expect(keep.hunks[1]!.lines.at(-1)).toMatchObject({ kind: 'note' });
      expect(files.find((f) => pathOf(f) === 'schema.sql')!.hunks[0]!.lines[0]).toEqual({ kind: 'del', text: '-- header', oldNo: 1, newNo: null });
    } finally {
      removeTempDirs();
    }
  });
});

describe('sideBySide', () => {
  it('sets each run of removed lines against the added run after it', () => {
    const [f] = parsePatch(modified);
    const rows = sideBySide(f!.hunks[0]!);
    const show = rows.map((r) => (r.kind === 'note' ? r.text : `${r.left ? `${r.left.no}:${r.left.text}` : '·'} | ${r.right ? `${r.right.no}:${r.right.text}` : '·'}`));
    expect(show).toEqual(['1:one | 1:one', '2:two | 2:TWO', '3:three | 3:THREE', '· | 4:extra', '4:four | 5:four']);
  });

  it('does not pair an added line with a removal that comes after it', () => {
    const [f] = parsePatch('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n+a\n-b\n c\n-d\n');
    // "-d" has no count left for it (old 2 lines: b, c): it is not part of the hunk.
    const rows = sideBySide(f!.hunks[0]!);
    expect(rows).toEqual([
      { kind: 'pair', left: null, right: { kind: 'add', no: 1, text: 'a' } },
      { kind: 'pair', left: { kind: 'del', no: 1, text: 'b' }, right: null },
      { kind: 'pair', left: { kind: 'context', no: 2, text: 'c' }, right: { kind: 'context', no: 2, text: 'c' } },
    ]);
  });
});
