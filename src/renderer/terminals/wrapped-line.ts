/**
 * One logical line of terminal output from the buffer rows it was wrapped over, and the way
 * back from an offset in that text to the cell it was drawn in. Kept apart from xterm (rows
 * are plain cell lists) so the mapping, which wide characters make non-trivial, is tested
 * under Node.
 *
 * A wide character takes two cells: the first holds it, the second is an empty cell of width
 * 0. When a wide character does not fit at the end of a row, the row ends with an empty cell
 * and the character starts the next row; trailing empty cells of a row are therefore left out
 * (they are not part of what was printed), while empty cells between printed ones read as
 * spaces.
 */
export interface Cell {
  chars: string;
  width: number;
}

/** A cell's position: `row` counts from the first row of the logical line, `col` from 0. */
export interface CellPosition {
  row: number;
  col: number;
}

export interface LogicalLine {
  text: string;
  /** Where the character at each UTF-16 offset of `text` was drawn. */
  cellOf: (offset: number) => CellPosition;
}

export function joinWrappedRows(rows: readonly (readonly Cell[])[]): LogicalLine {
  let text = '';
  const positions: CellPosition[] = [];
  rows.forEach((cells, row) => {
    let last = cells.length - 1;
    while (last >= 0 && cells[last]!.chars === '' && cells[last]!.width !== 0) last--;
    for (let col = 0; col <= last; col++) {
      const cell = cells[col]!;
      if (cell.width === 0) continue; // the second half of a wide character
      const chars = cell.chars === '' ? ' ' : cell.chars;
      text += chars;
      for (let i = 0; i < chars.length; i++) positions.push({ row, col });
    }
  });
  return {
    text,
    cellOf: (offset) => positions[Math.max(0, Math.min(offset, positions.length - 1))] ?? { row: 0, col: 0 },
  };
}

/** A run of text's cells: from the first cell of its first character to the last cell of its last one. */
export function cellRange(line: LogicalLine, rows: readonly (readonly Cell[])[], start: number, end: number): { start: CellPosition; end: CellPosition } {
  const first = line.cellOf(start);
  const last = line.cellOf(end - 1);
  const lastWidth = rows[last.row]?.[last.col]?.width ?? 1;
  return { start: first, end: { row: last.row, col: last.col + Math.max(1, lastWidth) - 1 } };
}
