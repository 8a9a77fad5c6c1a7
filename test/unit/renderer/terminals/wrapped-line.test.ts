import { describe, expect, it } from 'vitest';
import { cellRange, joinWrappedRows, type Cell } from '../../../../src/renderer/terminals/wrapped-line';
import { findFilePaths } from '../../../../src/renderer/terminals/find-file-paths';

/** Rows as a terminal `cols` wide draws `text`: wide characters take two cells, and one that does not fit moves on. */
function draw(text: string, cols: number): Cell[][] {
  const rows: Cell[][] = [[]];
  for (const ch of text) {
    const width = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60\u{1f300}-\u{1faff}]/u.test(ch) ? 2 : 1;
    let row = rows[rows.length - 1]!;
    if (row.length + width > cols) {
      while (row.length < cols) row.push({ chars: '', width: 1 });
      row = [];
      rows.push(row);
    }
    row.push({ chars: ch, width });
    if (width === 2) row.push({ chars: '', width: 0 });
  }
  const lastRow = rows[rows.length - 1]!;
  while (lastRow.length < cols) lastRow.push({ chars: '', width: 1 });
  return rows;
}

describe('joinWrappedRows', () => {
  it('joins a path broken across rows and maps it back to its cells', () => {
    const rows = draw('error in src/renderer/terminals/terminal-pane.tsx:12:5', 20);
    const line = joinWrappedRows(rows);
    expect(line.text).toBe('error in src/renderer/terminals/terminal-pane.tsx:12:5');
    const [c] = findFilePaths(line.text);
    expect(cellRange(line, rows, c!.start, c!.end)).toEqual({ start: { row: 0, col: 9 }, end: { row: 2, col: 13 } });
  });

  it('skips the second half of wide characters, and the empty cell left where one did not fit', () => {
    // 9 columns: 日本語で fill 8, so す moves to the next row and leaves an empty cell behind.
    const rows = draw('日本語です src/a.ts', 9);
    expect(rows[0]!.map((c) => c.chars).join('|')).toBe('日||本||語||で||');
    const line = joinWrappedRows(rows);
    expect(line.text).toBe('日本語です src/a.ts');
    const [c] = findFilePaths(line.text);
    expect(cellRange(line, rows, c!.start, c!.end)).toEqual({ start: { row: 1, col: 3 }, end: { row: 2, col: 1 } });
  });

  it('gives a wide last character both of its cells', () => {
    const rows = draw('docs/日本.md 日', 40);
    const line = joinWrappedRows(rows);
    expect(cellRange(line, rows, 12, 13)).toEqual({ start: { row: 0, col: 13 }, end: { row: 0, col: 14 } });
  });

  it('reads empty cells between printed ones as spaces (cursor moves), and drops trailing ones', () => {
    const row: Cell[] = [{ chars: 'a', width: 1 }, { chars: '', width: 1 }, { chars: 'b', width: 1 }, { chars: '', width: 1 }];
    expect(joinWrappedRows([row]).text).toBe('a b');
  });
});
