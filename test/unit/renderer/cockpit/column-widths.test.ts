import { describe, expect, it } from 'vitest';
import { BIG_STEP, COLUMN_LIMITS, STEP, clampWidth, draggedWidth, keyedWidth, parseWidths } from '../../../../src/renderer/cockpit/column-widths';

describe('column widths', () => {
  it('keeps each column within its bounds, in whole pixels', () => {
    expect(clampWidth('rail', 10)).toBe(COLUMN_LIMITS.rail.min);
    expect(clampWidth('rail', 5000)).toBe(COLUMN_LIMITS.rail.max);
    expect(clampWidth('panel', 300.6)).toBe(301);
    expect(clampWidth('panel', 100)).toBe(COLUMN_LIMITS.panel.min);
  });

  it('widens the rail as its handle goes right, and the panel as its handle goes left', () => {
    expect(draggedWidth('rail', 260, 500, 540)).toBe(300);
    expect(draggedWidth('rail', 260, 500, 460)).toBe(220);
    expect(draggedWidth('panel', 380, 900, 860)).toBe(420);
    expect(draggedWidth('panel', 380, 900, 940)).toBe(340);
    // Past a bound, the drag stops at it.
    expect(draggedWidth('rail', 260, 500, 2000)).toBe(COLUMN_LIMITS.rail.max);
    expect(draggedWidth('panel', 380, 900, 2000)).toBe(COLUMN_LIMITS.panel.min);
  });

  it('moves a handle the way the arrow points, further with Shift; Home, End and Enter go to the bounds and the initial width', () => {
    expect(keyedWidth('rail', 260, 'ArrowRight', false)).toBe(260 + STEP);
    expect(keyedWidth('rail', 260, 'ArrowLeft', true)).toBe(260 - BIG_STEP);
    expect(keyedWidth('panel', 380, 'ArrowLeft', false)).toBe(380 + STEP);
    expect(keyedWidth('panel', 380, 'ArrowRight', true)).toBe(380 - BIG_STEP);
    expect(keyedWidth('rail', 190, 'ArrowLeft', true)).toBe(COLUMN_LIMITS.rail.min);
    expect(keyedWidth('panel', 300, 'Home', false)).toBe(COLUMN_LIMITS.panel.min);
    expect(keyedWidth('panel', 300, 'End', false)).toBe(COLUMN_LIMITS.panel.max);
    expect(keyedWidth('rail', 400, 'Enter', false)).toBe(COLUMN_LIMITS.rail.initial);
    expect(keyedWidth('rail', 260, 'ArrowUp', false)).toBeNull();
    expect(keyedWidth('rail', 260, 'a', false)).toBeNull();
  });

  it('reads saved widths tolerantly: missing or unreadable is initial, out of bounds is brought within', () => {
    expect(parseWidths(undefined)).toEqual({ rail: 260, panel: 380 });
    expect(parseWidths({ rail: 300 })).toEqual({ rail: 300, panel: 380 });
    expect(parseWidths({ rail: Number.NaN, panel: '400' })).toEqual({ rail: 260, panel: 380 });
    expect(parseWidths({ rail: -5, panel: 1e9 })).toEqual({ rail: 180, panel: 720 });
    expect(parseWidths([300, 400])).toEqual({ rail: 260, panel: 380 });
  });
});
