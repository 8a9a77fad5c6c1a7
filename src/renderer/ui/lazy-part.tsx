import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { loadWithRetries } from './load-with-retries';

/**
 * Parts of the page that load when first shown (a view, a dialog, the terminal). Their code
 * comes from the host like everything else, so a host restarting at that moment fails the
 * load: it is retried a few times, a little later each time, and a part that still cannot
 * load says so where it would have been, with a way to reload, instead of taking the whole
 * page down with it.
 */
/**
 * `lazy`, retrying a failed load. A browser remembers a module it failed to fetch (Chromium
 * answers every later `import()` of that URL with the same failure, without asking again),
 * so a retry imports the URL the failure names with a query of its own: the same file,
 * fetched anew. Where the failure names no URL, the import is simply tried again.
 */
export function lazyPart<M, P extends object>(load: () => Promise<M>, pick: (module: M) => ComponentType<P>): ComponentType<P> {
  let attempt = 0;
  let failedUrl: string | null = null;
  const loadOnce = async (): Promise<M> => {
    attempt++;
    try {
      return failedUrl ? ((await import(/* @vite-ignore */ `${failedUrl}?retry=${attempt}`)) as M) : await load();
    } catch (e) {
      failedUrl ??= failedModuleUrl(e);
      throw e;
    }
  };
  return lazy(() => loadWithRetries(loadOnce).then((module) => ({ default: pick(module) })));
}

/** The URL a failed `import()` names (Chromium: "Failed to fetch dynamically imported module: URL"). */
export function failedModuleUrl(e: unknown): string | null {
  const match = /(https?:\/\/\S+\.js)\b/.exec(e instanceof Error ? e.message : String(e));
  return match ? match[1]! : null;
}

class LoadBoundary extends Component<{ children: ReactNode; inline: boolean }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className={this.props.inline ? 'load-failed inline' : 'load-failed'} role="alert" data-testid="load-failed">
        <p>This part of Grove could not be loaded from the host (it may have been restarting).</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload the page
        </button>
      </div>
    );
  }
}

/** Where a lazy part is shown: a fallback while it loads, a message (not a blank page) if it cannot. */
export function LazyPart({ children, fallback = null, inline = false }: { children: ReactNode; fallback?: ReactNode; inline?: boolean }) {
  return (
    <LoadBoundary inline={inline}>
      <Suspense fallback={fallback}>{children}</Suspense>
    </LoadBoundary>
  );
}
