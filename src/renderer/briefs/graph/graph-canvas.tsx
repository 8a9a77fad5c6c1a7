import { Maximize, Minus, Plus } from 'lucide-react';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type PointerEvent, type ReactNode } from 'react';
import type { Box } from './graph-layout';
import { fitView, openingView, reveal, zoomAt, type Size, type View } from './viewport';

const STEP = 1.25;
const PAN_STEP = 80;

/**
 * A graph's pannable, zoomable SVG: the wheel zooms about the pointer, dragging the
 * background pans, and +, − and Fit buttons (and, with focus in the graph, the keys +, −, 0
 * and the arrows) do the same from the keyboard. A node reached
 * with Tab is brought into view (nodes carry their box as data-box="x y w h"). The view
 * opens on the whole graph when that is readable, else on its corner; a new layout (the
 * data changed) keeps the view unless it was never moved.
 */
export function GraphCanvas({
  world,
  label,
  children,
  controlsLabel,
  onSize,
  openAround,
  testId,
}: {
  world: Size;
  label: string;
  children: ReactNode;
  controlsLabel: string;
  onSize?: (size: Size) => void;
  /** The box the view opens around when the whole graph is too big to read (a neighbourhood's brief). */
  openAround?: Box;
  testId?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const [screen, setScreen] = useState<Size>({ width: 0, height: 0 });
  const [view, setView] = useState<View | null>(null);
  const moved = useRef(false);
  const [dragging, setDragging] = useState(false);

  useLayoutEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = (): void => setScreen({ width: el.clientWidth, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (screen.width > 0) onSize?.(screen);
  }, [screen, onSize]);

  // Open (and re-open, until the operator moves it) on the graph as laid out for this size.
  useEffect(() => {
    if (screen.width === 0 || moved.current) return;
    setView(openingView(world, screen, undefined, openAround));
  }, [world, screen, openAround]);

  const change = useCallback((next: (v: View) => View): void => {
    moved.current = true;
    setView((v) => next(v ?? { k: 1, x: 0, y: 0 }));
  }, []);

  // The wheel needs a non-passive listener to keep the page from scrolling while it zooms.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
      change((v) => zoomAt(v, factor, { x: e.clientX - r.left, y: e.clientY - r.top }));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [change]);

  const drag = useRef<{ id: number; x: number; y: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || (e.target as Element).closest('a, button')) return;
    drag.current = { id: e.pointerId, x: e.clientX, y: e.clientY };
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (!d || d.id !== e.pointerId) return;
    const dx = e.clientX - d.x;
    const dy = e.clientY - d.y;
    drag.current = { id: d.id, x: e.clientX, y: e.clientY };
    change((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
  };
  const endDrag = (): void => {
    drag.current = null;
    setDragging(false);
  };

  const onFocus = (e: FocusEvent<HTMLDivElement>): void => {
    const node = (e.target as Element).closest('[data-box]');
    const box = node?.getAttribute('data-box');
    if (!node || !box) return;
    const [x, y, width, height] = box.split(' ').map(Number) as [number, number, number, number];
    setView((v) => (v ? reveal(v, { x, y, width, height }, screen) : v));
    // Once drawn where it now is, the page scrolls to it if the graph itself is partly off screen.
    requestAnimationFrame(() => node.scrollIntoView({ block: 'nearest', inline: 'nearest' }));
  };

  const centre = { x: screen.width / 2, y: screen.height / 2 };
  // With focus anywhere in the graph: + and − zoom, 0 fits, the arrows pan (a node is a link: none of these are its keys).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.metaKey || e.ctrlKey || e.altKey || (e.target as Element).closest('button')) return;
    const pan = (dx: number, dy: number) => change((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
    const act: Record<string, () => void> = {
      '+': () => change((v) => zoomAt(v, STEP, centre)),
      '=': () => change((v) => zoomAt(v, STEP, centre)),
      '-': () => change((v) => zoomAt(v, 1 / STEP, centre)),
      '0': () => change(() => fitView(world, screen)),
      ArrowLeft: () => pan(PAN_STEP, 0),
      ArrowRight: () => pan(-PAN_STEP, 0),
      ArrowUp: () => pan(0, PAN_STEP),
      ArrowDown: () => pan(0, -PAN_STEP),
    };
    const run = act[e.key];
    if (!run) return;
    e.preventDefault();
    run();
  };
  const v = view ?? { k: 1, x: 0, y: 0 };
  return (
    <div
      ref={host}
      className={`brief-graph-canvas${dragging ? ' dragging' : ''}`}
      data-testid={testId}
      data-zoom={v.k.toFixed(3)}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={endDrag}
      onPointerCancel={endDrag}
      onFocus={onFocus}
      onKeyDown={onKeyDown}
    >
      <svg role="group" aria-label={label}>
        <g transform={`translate(${v.x} ${v.y}) scale(${v.k})`}>{children}</g>
      </svg>
      <div className="brief-graph-controls" role="group" aria-label={controlsLabel}>
        <button type="button" onClick={() => change((v) => zoomAt(v, STEP, centre))} aria-label="Zoom in" title="Zoom in (+)">
          <Plus size={14} aria-hidden />
        </button>
        <button type="button" onClick={() => change((v) => zoomAt(v, 1 / STEP, centre))} aria-label="Zoom out" title="Zoom out (−)">
          <Minus size={14} aria-hidden />
        </button>
        <button type="button" onClick={() => change(() => fitView(world, screen))} title="Show the whole graph (0)" data-testid="graph-fit">
          <Maximize size={14} aria-hidden /> Fit
        </button>
      </div>
    </div>
  );
}
