import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../../src/host/db/database';
import { createHealthHistory } from '../../../../src/host/health/health-history';
import type { ProbeResult } from '../../../../src/shared/health';
import { HealthTimeline } from '../../../../src/shared/incidents';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

/**
 * MAIN's recorded history in a real SQLite file: what a run keeps, the timeline it gives,
 * the gap a dead host leaves, and retention (by count and by age) per repository.
 */
afterEach(removeTempDirs);

const DAY = 24 * 60 * 60 * 1000;
let clock = Date.parse('2026-03-01T10:00:00.000Z');
const now = () => new Date(clock);

function openStore(path = join(makeTempDir(), 'grove.db')): { db: Db; path: string } {
  const { db } = openDatabase(path);
  for (const id of ['r1', 'r2']) db.prepare("INSERT OR IGNORE INTO repos (id, name, main_path, added_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')").run(id, id, `/srv/${id}`);
  return { db, path };
}

function run(probe: string, ok: boolean, at = now()): ProbeResult {
  return { probe, ok, at: at.toISOString(), durationMs: 250, detail: ok ? 'exit 0' : 'exit 255', outputTail: 'PHP Fatal error: Cannot redeclare dispatch()' };
}

describe('health history', () => {
  it('keeps a failed run’s output tail and drops a passing one’s; lists runs newest first', () => {
    const { db } = openStore();
    const history = createHealthHistory(db, { now });
    history.recordRun('r1', run('artisan', true));
    history.recordRun('r1', run('artisan', false));
    history.recordRun('r2', run('site', true));
    const runs = history.runs('r1', 10);
    expect(runs.map((r) => [r.probe, r.ok, r.outputTail])).toEqual([
      ['artisan', false, 'PHP Fatal error: Cannot redeclare dispatch()'],
      ['artisan', true, ''],
    ]);
    expect(history.runs('r1', 1)).toHaveLength(1);
  });

  it('records a state only when it changes, and draws the timeline from it', () => {
    const { db } = openStore();
    const history = createHealthHistory(db, { now });
    const start = now();
    history.recordState('r1', 'unknown', new Date(clock));
    history.recordState('r1', 'healthy', new Date((clock += 60_000)));
    history.recordState('r1', 'healthy', new Date((clock += 60_000)));
    history.recordState('r1', 'broken', new Date((clock += 60_000)));
    history.recordState('r1', 'healthy', new Date((clock += 60_000)));
    clock += 60_000;
    history.recordRun('r1', run('artisan', false));
    const timeline = history.timeline('r1', new Date(start.getTime() - 60_000), now(), 5);
    expect(HealthTimeline.parse(timeline)).toEqual(timeline);
    expect(timeline.segments.map((s) => s.state)).toEqual(['none', 'unknown', 'healthy', 'broken', 'healthy']);
    expect(timeline.uptime).toBeCloseTo(3 / 4);
    expect(timeline.runs.map((r) => r.probe)).toEqual(['artisan']);
    expect(history.timeline('r2', start, now(), 5)).toMatchObject({ segments: [{ state: 'none' }], uptime: null, runs: [] });
  });

  it('ends the last state of a host that died without stopping at its last probe run', () => {
    const { db } = openStore();
    const history = createHealthHistory(db, { now });
    history.recordState('r1', 'healthy');
    clock += 60_000;
    history.recordRun('r1', run('artisan', true));
    const lastSeen = clock + 250;
    clock += 3_600_000; // the host was down for an hour
    history.markUnwatchedSinceLastSeen('r1');
    history.recordState('r1', 'unknown');
    expect(history.lastState('r1')!.state).toBe('unknown');
    const segments = history.timeline('r1', new Date(clock - 2 * 3_600_000), now(), 0).segments;
    expect(segments.map((s) => s.state)).toEqual(['none', 'healthy', 'none']);
    expect(segments[2]!.from).toBe(new Date(lastSeen).toISOString());

    history.markUnwatchedSinceLastSeen('r1'); // nothing left open after a clean stop
    history.recordState('r1', 'none');
    const before = history.timeline('r1', new Date(clock - 3_600_000), now(), 0).segments;
    history.markUnwatchedSinceLastSeen('r1');
    expect(history.timeline('r1', new Date(clock - 3_600_000), now(), 0).segments).toEqual(before);
  });

  it('keeps the latest probe runs per repository, up to the count', () => {
    const { db } = openStore();
    const history = createHealthHistory(db, { now, retention: { probeRuns: 10, days: 30 }, pruneEvery: 5 });
    for (let i = 0; i < 40; i++) history.recordRun('r1', { ...run('artisan', false), detail: `run ${i}` });
    for (let i = 0; i < 3; i++) history.recordRun('r2', run('site', true));
    const kept = history.runs('r1', 100);
    expect(kept.length).toBeGreaterThanOrEqual(10);
    expect(kept.length).toBeLessThan(10 + 5);
    expect(kept[0]!.detail).toBe('run 39');
    expect(kept.some((r) => r.detail === 'run 0')).toBe(false);
    expect(history.runs('r2', 100)).toHaveLength(3);
  });

  it('drops runs and state changes older than the retention, but keeps the state that still held then', () => {
    const { db, path } = openStore();
    const history = createHealthHistory(db, { now, retention: { probeRuns: 2000, days: 30 }, pruneEvery: 1 });
    const start = clock;
    history.recordState('r1', 'healthy');
    history.recordRun('r1', run('artisan', true));
    clock += DAY;
    history.recordState('r1', 'broken');
    history.recordRun('r1', run('artisan', false));
    clock += DAY;
    history.recordState('r1', 'healthy'); // healthy ever since
    clock += 40 * DAY;
    history.recordRun('r1', run('artisan', true));
    db.close();

    const reopened = createHealthHistory(openDatabase(path).db, { now });
    expect(reopened.runs('r1', 10)).toHaveLength(1);
    const timeline = reopened.timeline('r1', new Date(start), now(), 0);
    expect(timeline.segments.map((s) => s.state)).toEqual(['none', 'healthy']);
    expect(timeline.segments[1]!.from).toBe(new Date(start + 2 * DAY).toISOString());
  });

  it('remembers when MAIN was last healthy, and at which HEAD, across a reopen', () => {
    const { db, path } = openStore();
    const history = createHealthHistory(db, { now });
    expect(history.lastHealthy('r1')).toBeNull();
    history.markHealthy('r1', { at: '2026-03-01T10:00:00.000Z', head: 'a'.repeat(40) });
    history.markHealthy('r1', { at: '2026-03-01T10:05:00.000Z', head: 'b'.repeat(40) });
    db.close();
    expect(createHealthHistory(openDatabase(path).db).lastHealthy('r1')).toEqual({ at: '2026-03-01T10:05:00.000Z', head: 'b'.repeat(40) });
  });
});
