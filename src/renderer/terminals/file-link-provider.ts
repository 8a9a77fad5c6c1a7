import type { IBuffer, IBufferLine, ILink, ILinkProvider, Terminal } from '@xterm/xterm';
import { findFilePaths, type PathCandidate } from './find-file-paths';
import { cellRange, joinWrappedRows, type Cell } from './wrapped-line';

/**
 * File paths in a terminal as xterm links, wrapped ones included: the rows of the logical
 * line under the pointer (joined through `isWrapped`) are searched as one text, and each
 * path found is mapped back to its cells, which may span rows. The link is only the
 * finding; what a click does (with the app modifier, checked by the caller) is `onActivate`.
 * A path the host said is not in the lane stops being a link (`isKnownMissing`).
 */
/** A logical line longer than this many rows is searched only this far around the pointer. */
const MAX_ROWS = 40;

export interface FileLinkOptions {
  onActivate: (candidate: PathCandidate, event: MouseEvent) => void;
  isKnownMissing: (path: string) => boolean;
  /** Whether paths can be links at all (an agent in a lane: one in MAIN has none to show). */
  isEnabled: () => boolean;
}

export function fileLinkProvider(terminal: Terminal, options: FileLinkOptions): ILinkProvider {
  return {
    provideLinks(bufferLineNumber, callback) {
      if (!options.isEnabled()) return callback(undefined);
      const buffer = terminal.buffer.active;
      const y = bufferLineNumber - 1;
      let first = y;
      while (first > 0 && y - first < MAX_ROWS && buffer.getLine(first)?.isWrapped) first--;
      let last = y;
      while (last - y < MAX_ROWS && buffer.getLine(last + 1)?.isWrapped) last++;
      const rows: Cell[][] = [];
      for (let r = first; r <= last; r++) rows.push(cellsOf(buffer, buffer.getLine(r), terminal.cols));
      const line = joinWrappedRows(rows);
      const links: ILink[] = [];
      for (const candidate of findFilePaths(line.text)) {
        if (options.isKnownMissing(candidate.path)) continue;
        const range = cellRange(line, rows, candidate.start, candidate.end);
        const startY = first + range.start.row;
        const endY = first + range.end.row;
        if (y < startY || y > endY) continue; // on another row of the logical line
        links.push({
          range: { start: { x: range.start.col + 1, y: startY + 1 }, end: { x: range.end.col + 1, y: endY + 1 } },
          text: line.text.slice(candidate.start, candidate.end),
          decorations: { pointerCursor: true, underline: true },
          activate: (event) => options.onActivate(candidate, event),
        });
      }
      callback(links.length ? links : undefined);
    },
  };
}

function cellsOf(buffer: IBuffer, line: IBufferLine | undefined, cols: number): Cell[] {
  if (!line) return [];
  const cells: Cell[] = [];
  const scratch = buffer.getNullCell();
  for (let x = 0; x < Math.min(cols, line.length); x++) {
    const cell = line.getCell(x, scratch);
    cells.push(cell ? { chars: cell.getChars(), width: cell.getWidth() } : { chars: '', width: 1 });
  }
  return cells;
}
