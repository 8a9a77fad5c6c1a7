import type { BrowserContext, Page } from 'playwright-core';

/**
 * How smoothly a page draws over a window of time, measured inside the page so neither
 * Playwright's round trips nor this process's event loop are in the figures:
 *  - the gaps between consecutive requestAnimationFrame callbacks (their frame timestamps):
 *    16.7 ms at 60 Hz, longer for every frame the page could not draw;
 *  - the time in long tasks (PerformanceObserver 'longtask': main-thread tasks over 50 ms),
 *    clipped to the window;
 *  - proof of what the page was doing meanwhile: the bytes its WebSockets received (counted
 *    by `countWebSocketBytes`, installed before the page loads) and how often the watched
 *    element's text changed between samples taken every `sampleMs`. A "flooding" window
 *    whose screen never changed measured an idle page, and says so.
 */
export interface FrameWindow {
  windowMs: number;
  /** ms between consecutive rAF callbacks' timestamps, in order. */
  gapsMs: number[];
  longTasks: number;
  longTaskMs: number;
  /** Bytes received by the page's WebSockets during the window. */
  wsBytes: number;
  /** Samples of the watched element's text, and how many differed from the one before. */
  screenSamples: number;
  screenChanges: number;
}

/** The counter `measureFrames` reads; installed in every page of `context`, before its scripts run. */
export async function countWebSocketBytes(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const g = globalThis as unknown as { WebSocket: new (...args: unknown[]) => { addEventListener(t: string, f: (e: { data: unknown }) => void): void }; benchWsBytes: number };
    const Native = g.WebSocket;
    g.benchWsBytes = 0;
    const sizeOf = (d: unknown): number => (typeof d === 'string' ? d.length : ((d as { byteLength?: number; size?: number }).byteLength ?? (d as { size?: number }).size ?? 0));
    g.WebSocket = class extends Native {
      constructor(...args: unknown[]) {
        super(...args);
        this.addEventListener('message', (e) => (g.benchWsBytes += sizeOf(e.data)));
      }
    } as typeof Native;
  });
}

export function measureFrames(page: Page, o: { windowMs: number; watchSelector: string; sampleMs: number }): Promise<FrameWindow> {
  return page.evaluate(
    ({ windowMs, watchSelector, sampleMs }) =>
      new Promise<FrameWindow>((resolve) => {
        // The bench compiles without the DOM's types: the few it uses, spelled out.
        type Entry = { startTime: number; duration: number };
        const g = globalThis as unknown as {
          requestAnimationFrame(f: (t: number) => void): number;
          document: { querySelector(s: string): { textContent: string | null } | null };
          PerformanceObserver: new (f: (list: { getEntries(): Entry[] }) => void) => { observe(o: { type: string; buffered: boolean }): void; disconnect(): void };
          benchWsBytes?: number;
        };
        const stamps: number[] = [];
        const longTasks: Entry[] = [];
        const observer = new g.PerformanceObserver((list) => longTasks.push(...list.getEntries()));
        observer.observe({ type: 'longtask', buffered: false });
        const textNow = (): string => g.document.querySelector(watchSelector)?.textContent ?? '';
        let lastText = textNow();
        let samples = 0;
        let changes = 0;
        const sampler = setInterval(() => {
          const text = textNow();
          samples++;
          if (text !== lastText) changes++;
          lastText = text;
        }, sampleMs);
        const ws0 = g.benchWsBytes ?? 0;
        const t0 = performance.now();
        const end = t0 + windowMs;
        const frame = (t: number): void => {
          stamps.push(t);
          if (performance.now() < end) {
            g.requestAnimationFrame(frame);
            return;
          }
          clearInterval(sampler);
          observer.disconnect();
          const t1 = performance.now();
          // Clipped to the window: a task that began before it counts only its part inside.
          const inWindow = longTasks.map((e) => Math.min(t1, e.startTime + e.duration) - Math.max(t0, e.startTime)).filter((d) => d > 0);
          resolve({
            windowMs: t1 - t0,
            gapsMs: stamps.slice(1).map((s, i) => s - stamps[i]!),
            longTasks: inWindow.length,
            longTaskMs: inWindow.reduce((a, b) => a + b, 0),
            wsBytes: (g.benchWsBytes ?? 0) - ws0,
            screenSamples: samples,
            screenChanges: changes,
          });
        };
        g.requestAnimationFrame(frame);
      }),
    o,
  );
}

/** Bytes the page's WebSockets have received so far (see `countWebSocketBytes`). */
export function pageWebSocketBytes(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as { benchWsBytes?: number }).benchWsBytes ?? 0);
}

/** The GL renderer a WebGL context of the page gets (e.g. SwiftShader, a software GL), or null without WebGL. */
export function glRendererOf(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    type Gl = { getExtension(n: string): { UNMASKED_RENDERER_WEBGL: number } | null; getParameter(p: number): unknown; RENDERER: number };
    const doc = (globalThis as unknown as { document: { createElement(t: string): { getContext(k: string): Gl | null } } }).document;
    const gl = doc.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  });
}
