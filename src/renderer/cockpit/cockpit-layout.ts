import { INITIAL_WIDTHS, parseWidths, type ColumnWidths } from './column-widths';

/**
 * What the cockpit shows and how it is arranged: the selected view, the rail and the right
 * panel, and per workspace (a lane's or MAIN's path) the agent tab in front and the split.
 * A restart restores it: it is saved in the browser's storage (per host origin: the host
 * keeps its port across restarts) and read back tolerantly (a garbled or older record falls
 * back to the defaults, field by field, never throws).
 */
export type CockpitView =
  | { kind: 'workspace'; path: string }
  | { kind: 'main'; repoId: string }
  /** All briefs, or one brief's page (`brief`: its number). */
  | { kind: 'briefs'; brief?: number }
  | { kind: 'health' }
  | { kind: 'notifications' }
  | { kind: 'settings' };

export type SplitOrientation = 'side-by-side' | 'stacked';

export interface WorkspaceLayout {
  /** The agent whose tab is in front (null: the first). */
  active: string | null;
  /** A second agent shown beside or below the active one. */
  split: { orientation: SplitOrientation; second: string } | null;
}

export interface CockpitLayout {
  view: CockpitView | null;
  railCollapsed: boolean;
  panelOpen: boolean;
  /** The rail's and the lane panel's widths (column-widths.ts); the centre takes the rest. */
  widths: ColumnWidths;
  workspaces: Record<string, WorkspaceLayout>;
}

export const EMPTY_WORKSPACE: WorkspaceLayout = { active: null, split: null };

export function defaultLayout(): CockpitLayout {
  return { view: null, railCollapsed: false, panelOpen: true, widths: INITIAL_WIDTHS, workspaces: {} };
}

const STORAGE_KEY = 'grove.cockpit.layout.v1';
/** Workspaces remembered: the most recently touched ones; the rest fall back to defaults. */
const KEPT_WORKSPACES = 64;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseView(v: unknown): CockpitView | null {
  if (!isRecord(v)) return null;
  switch (v.kind) {
    case 'workspace':
      return typeof v.path === 'string' ? { kind: 'workspace', path: v.path } : null;
    case 'main':
      return typeof v.repoId === 'string' ? { kind: 'main', repoId: v.repoId } : null;
    case 'briefs':
      return typeof v.brief === 'number' && Number.isInteger(v.brief) && v.brief > 0 ? { kind: 'briefs', brief: v.brief } : { kind: 'briefs' };
    case 'health':
    case 'notifications':
    case 'settings':
      return { kind: v.kind };
    default:
      return null;
  }
}

function parseWorkspace(v: unknown): WorkspaceLayout {
  if (!isRecord(v)) return EMPTY_WORKSPACE;
  const active = typeof v.active === 'string' ? v.active : null;
  const s = v.split;
  const orientation = isRecord(s) && (s.orientation === 'side-by-side' || s.orientation === 'stacked') ? (s.orientation as SplitOrientation) : null;
  const split = isRecord(s) && orientation && typeof s.second === 'string' ? { orientation, second: s.second } : null;
  return { active, split };
}

/** Reads a saved layout; anything unreadable becomes the default for that field. */
export function parseLayout(text: string | null): CockpitLayout {
  const base = defaultLayout();
  if (!text) return base;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return base;
  }
  if (!isRecord(raw)) return base;
  const workspaces: Record<string, WorkspaceLayout> = {};
  if (isRecord(raw.workspaces)) for (const [path, w] of Object.entries(raw.workspaces).slice(-KEPT_WORKSPACES)) workspaces[path] = parseWorkspace(w);
  return {
    view: parseView(raw.view),
    railCollapsed: typeof raw.railCollapsed === 'boolean' ? raw.railCollapsed : base.railCollapsed,
    panelOpen: typeof raw.panelOpen === 'boolean' ? raw.panelOpen : base.panelOpen,
    // A layout saved before the widths were kept (its `sizes` were fractions of the window) starts from the initial widths.
    widths: parseWidths(raw.widths),
    workspaces,
  };
}

export function serializeLayout(layout: CockpitLayout): string {
  return JSON.stringify(layout);
}

export function workspaceLayout(layout: CockpitLayout, path: string): WorkspaceLayout {
  return layout.workspaces[path] ?? EMPTY_WORKSPACE;
}

/** The layout with one workspace changed; that workspace becomes the most recent one kept. */
export function withWorkspace(layout: CockpitLayout, path: string, change: Partial<WorkspaceLayout>): CockpitLayout {
  const { [path]: old, ...rest } = layout.workspaces;
  const entries = Object.entries(rest).slice(-(KEPT_WORKSPACES - 1));
  return { ...layout, workspaces: { ...Object.fromEntries(entries), [path]: { ...(old ?? EMPTY_WORKSPACE), ...change } } };
}

export function sameView(a: CockpitView | null, b: CockpitView | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The part of the browser's Storage the layout needs (a Map stands in under test). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The layout store the cockpit holds: one object, saved on every change. */
export class LayoutStore {
  private layout: CockpitLayout;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly storage: KeyValueStorage | null) {
    let text: string | null = null;
    try {
      text = storage?.getItem(STORAGE_KEY) ?? null;
    } catch {
      /* storage refused (private mode): start from the defaults */
    }
    this.layout = parseLayout(text);
  }

  getSnapshot = (): CockpitLayout => this.layout;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  update(change: (layout: CockpitLayout) => CockpitLayout): void {
    const next = change(this.layout);
    if (next === this.layout) return;
    this.layout = next;
    try {
      this.storage?.setItem(STORAGE_KEY, serializeLayout(next));
    } catch {
      /* full or refused: the layout still holds for this session */
    }
    for (const l of this.listeners) l();
  }
}
