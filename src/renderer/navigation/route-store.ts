import type { UiRoute } from '../../shared/ui-route';

/**
 * Where the operator was sent last (the URL's hash, a notification's click, the shell, a
 * link): the one thing the UI brings into view and highlights. Each navigation gets its own
 * number, so following the same route again scrolls to it again. It holds no data of its
 * own; the component showing the target decides how to focus it.
 */
export interface RouteFocus {
  target: UiRoute;
  seq: number;
}

export class RouteStore {
  private focus: RouteFocus | null = null;
  private readonly listeners = new Set<() => void>();

  /** Brings `target` into view; null (a hash that names nothing) leaves the UI where it is. */
  follow(target: UiRoute | null): void {
    if (!target) return;
    this.focus = { target, seq: (this.focus?.seq ?? 0) + 1 };
    for (const l of this.listeners) l();
  }

  getSnapshot = (): RouteFocus | null => this.focus;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
