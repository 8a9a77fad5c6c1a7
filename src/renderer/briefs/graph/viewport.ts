import type { Box } from './graph-layout';

/**
 * The graphs' pan and zoom as plain arithmetic: a view shows the graph scaled by `k` and
 * shifted by `x`, `y` (screen = world × k + offset). Kept apart from the component so fit,
 * zoom-about-a-point and bring-into-view are unit-tested.
 */
export interface View {
  k: number;
  x: number;
  y: number;
}
export interface Size {
  width: number;
  height: number;
}

/** Zoomed out, 200 briefs still show their shape; zoomed in, one node fills a phone. */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2.5;
const FIT_MARGIN = 16;

const clampZoom = (k: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

/** The whole graph in the view, centred, never enlarged past 1. */
export function fitView(world: Size, screen: Size): View {
  if (world.width <= 0 || world.height <= 0 || screen.width <= 0 || screen.height <= 0) return { k: 1, x: 0, y: 0 };
  const k = clampZoom(Math.min(1, (screen.width - 2 * FIT_MARGIN) / world.width, (screen.height - 2 * FIT_MARGIN) / world.height));
  return { k, x: (screen.width - world.width * k) / 2, y: (screen.height - world.height * k) / 2 };
}

/**
 * Where the view opens: the whole graph when it fits at a readable size (labels at least
 * `readable` of their size), else the top-left corner at that size: the operator sees words
 * first and can fit the whole with one button. With `around`, the corner is the one
 * around that box instead.
 */
export function openingView(world: Size, screen: Size, readable = 0.7, around?: Box): View {
  const fit = fitView(world, screen);
  if (fit.k >= readable || world.width <= 0) return fit;
  if (!around) return { k: readable, x: FIT_MARGIN, y: FIT_MARGIN };
  // Centred on the node that matters (a neighbourhood's brief), as far as the graph's edges allow.
  const x = screen.width / 2 - (around.x + around.width / 2) * readable;
  const y = screen.height / 2 - (around.y + around.height / 2) * readable;
  const clamp = (v: number, worldSize: number, screenSize: number): number => Math.min(FIT_MARGIN, Math.max(screenSize - FIT_MARGIN - worldSize * readable, v));
  return { k: readable, x: clamp(x, world.width, screen.width), y: clamp(y, world.height, screen.height) };
}

/** Zoom by `factor` keeping the screen point `at` over the same spot of the graph. */
export function zoomAt(view: View, factor: number, at: { x: number; y: number }): View {
  const k = clampZoom(view.k * factor);
  const f = k / view.k;
  return { k, x: at.x - (at.x - view.x) * f, y: at.y - (at.y - view.y) * f };
}

/** The view moved as little as it takes to show `box` whole (a node reached with Tab). */
export function reveal(view: View, box: Box, screen: Size, margin = 24): View {
  const left = box.x * view.k + view.x;
  const top = box.y * view.k + view.y;
  const right = left + box.width * view.k;
  const bottom = top + box.height * view.k;
  let { x, y } = view;
  if (left < margin) x += margin - left;
  else if (right > screen.width - margin) x -= Math.min(right - (screen.width - margin), left - margin);
  if (top < margin) y += margin - top;
  else if (bottom > screen.height - margin) y -= Math.min(bottom - (screen.height - margin), top - margin);
  return { k: view.k, x, y };
}
