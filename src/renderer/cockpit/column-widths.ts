/**
 * The widths of the cockpit's side columns (the rail on the left, the lane panel on the
 * right), in CSS pixels; the centre takes what is left. Kept in the cockpit's saved layout
 * and changed by dragging or arrowing the handle between a column and the centre
 * (column-handle.tsx). The layout itself is plain CSS flex (cockpit.css): nothing is
 * measured, so the first paint lays the page out once.
 */
export type ColumnSide = 'rail' | 'panel';

export type ColumnWidths = Record<ColumnSide, number>;

export interface ColumnLimits {
  min: number;
  max: number;
  initial: number;
}

export const COLUMN_LIMITS: Readonly<Record<ColumnSide, ColumnLimits>> = {
  rail: { min: 180, max: 480, initial: 260 },
  panel: { min: 280, max: 720, initial: 380 },
};

export const INITIAL_WIDTHS: ColumnWidths = { rail: COLUMN_LIMITS.rail.initial, panel: COLUMN_LIMITS.panel.initial };

/** One arrow press moves a handle this far; with Shift, `BIG_STEP`. */
export const STEP = 16;
export const BIG_STEP = 64;

export function clampWidth(side: ColumnSide, px: number): number {
  const { min, max } = COLUMN_LIMITS[side];
  return Math.round(Math.min(max, Math.max(min, px)));
}

/**
 * The width a drag gives: the width it started from, moved by how far the pointer went.
 * The rail's handle is on its right (dragging right widens it); the panel's is on its left
 * (dragging left widens it).
 */
export function draggedWidth(side: ColumnSide, startWidth: number, startX: number, x: number): number {
  const moved = x - startX;
  return clampWidth(side, side === 'rail' ? startWidth + moved : startWidth - moved);
}

/**
 * The width a key on a focused handle gives, or null for a key the handle leaves alone.
 * Arrows move the handle the way they point (so Left narrows the rail and widens the
 * panel); Home and End take the column to its narrowest and widest; Enter to its initial
 * width.
 */
export function keyedWidth(side: ColumnSide, width: number, key: string, shift: boolean): number | null {
  const step = shift ? BIG_STEP : STEP;
  const toward = side === 'rail' ? 1 : -1;
  switch (key) {
    case 'ArrowLeft':
      return clampWidth(side, width - toward * step);
    case 'ArrowRight':
      return clampWidth(side, width + toward * step);
    case 'Home':
      return COLUMN_LIMITS[side].min;
    case 'End':
      return COLUMN_LIMITS[side].max;
    case 'Enter':
      return COLUMN_LIMITS[side].initial;
    default:
      return null;
  }
}

/** Saved widths, read tolerantly: a missing or unreadable width is the initial one, a width out of bounds is brought within them. */
export function parseWidths(v: unknown): ColumnWidths {
  const record = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const read = (side: ColumnSide): number => {
    const n = record[side];
    return typeof n === 'number' && Number.isFinite(n) ? clampWidth(side, n) : COLUMN_LIMITS[side].initial;
  };
  return { rail: read('rail'), panel: read('panel') };
}
