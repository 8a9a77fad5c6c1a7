import { useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { COLUMN_LIMITS, draggedWidth, keyedWidth, type ColumnSide } from './column-widths';

interface Props {
  side: ColumnSide;
  /** The column's saved width. */
  width: number;
  label: string;
  /** The id of the column the handle sizes. */
  controls: string;
  /** While dragging: the width to show now (the cockpit sets it on the page directly, without a render). */
  onPreview: (px: number) => void;
  /** The width to keep: a drag let go, a key pressed, a double click. */
  onCommit: (px: number) => void;
}

interface Drag {
  pointerId: number;
  startX: number;
  startWidth: number;
  width: number;
}

/**
 * The handle between a side column and the centre: drag it, or focus it and use the arrow
 * keys (Shift for bigger steps), Home and End; Enter or a double click gives the column its
 * initial width back. A window splitter in ARIA's terms, so a screen reader reads its width.
 */
export function ColumnHandle({ side, width, label, controls, onPreview, onCommit }: Props) {
  const drag = useRef<Drag | null>(null);
  const [liveWidth, setLiveWidth] = useState<number | null>(null);
  const { min, max, initial } = COLUMN_LIMITS[side];

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.button !== 0) return;
    e.preventDefault(); // no text selection, and the focus stays where it was
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { pointerId: e.pointerId, startX: e.clientX, startWidth: width, width };
    setLiveWidth(width);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (!d || e.pointerId !== d.pointerId) return;
    const next = draggedWidth(side, d.startWidth, d.startX, e.clientX);
    if (next === d.width) return;
    d.width = next;
    setLiveWidth(next);
    onPreview(next);
  };
  // Let go, cancelled by the browser, or the capture lost (the window lost focus): the
  // width reached so far is kept, once.
  const onDragEnd = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (!d || e.pointerId !== d.pointerId) return;
    drag.current = null;
    setLiveWidth(null);
    if (d.width !== d.startWidth) onCommit(d.width);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>): void => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = keyedWidth(side, width, e.key, e.shiftKey);
    if (next === null) return;
    e.preventDefault();
    if (next !== width) onCommit(next);
  };

  return (
    <div
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      aria-controls={controls}
      aria-valuenow={liveWidth ?? width}
      aria-valuemin={min}
      aria-valuemax={max}
      tabIndex={0}
      className="resize-handle"
      data-dragging={liveWidth !== null ? 'true' : undefined}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onDragEnd}
      onPointerCancel={onDragEnd}
      onLostPointerCapture={onDragEnd}
      onKeyDown={onKeyDown}
      onDoubleClick={() => width !== initial && onCommit(initial)}
    />
  );
}
