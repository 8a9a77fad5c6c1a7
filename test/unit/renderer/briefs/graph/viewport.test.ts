import { describe, expect, it } from 'vitest';
import { fitView, MIN_ZOOM, openingView, reveal, zoomAt } from '../../../../../src/renderer/briefs/graph/viewport';

describe('the graph view', () => {
  it('fits a large graph whole and centred, and never enlarges a small one', () => {
    const big = fitView({ width: 4000, height: 2000 }, { width: 1000, height: 800 });
    expect(big.k).toBeCloseTo(968 / 4000);
    expect(big.x + (4000 * big.k) / 2).toBeCloseTo(500);
    expect(fitView({ width: 200, height: 100 }, { width: 1000, height: 800 }).k).toBe(1);
    expect(fitView({ width: 1e9, height: 1 }, { width: 100, height: 100 }).k).toBe(MIN_ZOOM);
    expect(fitView({ width: 0, height: 0 }, { width: 100, height: 100 })).toEqual({ k: 1, x: 0, y: 0 });
  });

  it('opens on the whole graph when it is readable so, else on its corner at a readable size', () => {
    expect(openingView({ width: 900, height: 600 }, { width: 1000, height: 800 }).k).toBe(1);
    expect(openingView({ width: 4000, height: 3000 }, { width: 390, height: 700 })).toEqual({ k: 0.7, x: 16, y: 16 });
  });

  it("opens a neighbourhood too big to read whole around its brief, within the graph's edges", () => {
    const v = openingView({ width: 1000, height: 1000 }, { width: 400, height: 300 }, 0.7, { x: 400, y: 500, width: 200, height: 60 });
    expect(v.x + 500 * 0.7).toBeCloseTo(200);
    expect(v.y + 530 * 0.7).toBeCloseTo(150);
    const corner = openingView({ width: 1000, height: 1000 }, { width: 400, height: 300 }, 0.7, { x: 0, y: 0, width: 200, height: 60 });
    expect(corner).toEqual({ k: 0.7, x: 16, y: 16 });
  });

  it('zooms about the pointer: the point under it stays put', () => {
    const v = zoomAt({ k: 1, x: 10, y: 20 }, 2, { x: 110, y: 220 });
    expect(v.k).toBe(2);
    expect(((110 - v.x) / v.k)).toBeCloseTo(100);
    expect(((220 - v.y) / v.k)).toBeCloseTo(200);
  });

  it('brings a node reached with the keyboard into view, moving no more than needed', () => {
    const screen = { width: 400, height: 300 };
    const v = reveal({ k: 1, x: 0, y: 0 }, { x: 500, y: 100, width: 100, height: 50 }, screen);
    expect(v.x).toBe(-(600 - 376));
    expect(v.y).toBe(0);
    expect(reveal(v, { x: 300, y: 100, width: 100, height: 50 }, screen)).toEqual(v);
  });
});
