import { mkdirSync, writeFileSync } from 'node:fs';

/**
 * Shared by every benchmark: summary statistics, the Grove-versus-baseline ratio, and the
 * two outputs (JSON on disk and stdout, a table for people). Figures are only compared
 * within one run, because these machines are shared and their speed drifts.
 */
export interface Series {
  name: string;
  unit: string;
  samples: number[];
}

export interface Summary {
  name: string;
  unit: string;
  n: number;
  median: number;
  p90: number;
  min: number;
  max: number;
}

export function summarize(s: Series): Summary {
  const sorted = [...s.samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { name: s.name, unit: s.unit, n: sorted.length, median: at(0.5), p90: at(0.9), min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

export interface Comparison {
  what: string;
  grove: Summary;
  baseline: Summary;
  /** grove median / baseline median; not finite when the baseline median is 0 (an idle CPU), shown as –. */
  ratio: number;
}

export function compare(what: string, grove: Series, baseline: Series): Comparison {
  const g = summarize(grove);
  const b = summarize(baseline);
  return { what, grove: g, baseline: b, ratio: Number((g.median / b.median).toFixed(2)) };
}

export function report(bench: string, comparisons: Comparison[], extra: Record<string, unknown> = {}): void {
  const json = { bench, at: new Date().toISOString(), node: process.version, comparisons, ...extra };
  mkdirSync('.bench', { recursive: true });
  writeFileSync(`.bench/${bench}.json`, JSON.stringify(json, null, 2) + '\n');
  console.log(JSON.stringify(json));
  const fmt = (n: number): string => n.toFixed(1);
  const rows = comparisons.map((c) => [c.what, `${fmt(c.grove.median)} ${c.grove.unit}`, `${fmt(c.grove.p90)}`, c.baseline.name, `${fmt(c.baseline.median)} ${c.baseline.unit}`, Number.isFinite(c.ratio) ? `${c.ratio}×` : '–']);
  const head = ['measure', 'grove median', 'p90', 'baseline', 'baseline median', 'ratio'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(`\n${bench}\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n(written to .bench/${bench}.json)`);
}

/** One call to a host under test; a refusal is a bench failure, thrown with the host's error. */
export async function api<T>(host: { url: string; token: string }, method: string, params: unknown): Promise<T> {
  const res = await fetch(`${host.url}/api/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = (await res.json()) as { ok: boolean; result?: unknown; error?: unknown };
  if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
  return body.result as T;
}
