import { describe, expect, it } from 'vitest';
import type { MainHealth, ProbeHealth } from '../../../../src/shared/health';
import type { Repo } from '../../../../src/shared/repo';
import { mainHealthView } from '../../../../src/renderer/main-view/main-health';
import { describeProbeState } from '../../../../src/renderer/main-view/probe-labels';

const repo = (over: Partial<Repo> = {}): Repo => ({ id: 'r1', name: 'flower', mainPath: '/srv/flower', addedAt: '2026-03-01T00:00:00Z', trustedDigest: 'ab', trusted: true, trust: 'trusted', ...over });
const probe = (over: Partial<ProbeHealth> = {}): ProbeHealth => ({ name: 'artisan', state: 'passing', consecutiveFailures: 0, last: null, ...over });
const run = (ok: boolean) => ({ probe: 'artisan', ok, at: '2026-03-02T10:00:00Z', durationMs: 40, detail: ok ? 'exit 0' : 'exit 255', outputTail: '' });
const health = (over: Partial<MainHealth> = {}): MainHealth => ({ state: 'healthy', probes: [probe()], ...over });

describe("MAIN's health badge", () => {
  it('says what MAIN is: its state, untrusted, no probes, or config invalid first of all', () => {
    expect(mainHealthView(repo(), health())).toEqual({ kind: 'state', state: 'healthy' });
    expect(mainHealthView(repo(), health({ state: 'broken' }))).toEqual({ kind: 'state', state: 'broken' });
    expect(mainHealthView(repo(), health({ probes: [] , state: 'unknown' }))).toEqual({ kind: 'no-probes' });
    expect(mainHealthView(repo(), undefined)).toEqual({ kind: 'no-probes' });
    // Not trusted: no probe runs, whatever the last health said.
    expect(mainHealthView(repo({ trusted: false, trust: 'changed' }), health({ state: 'broken' }))).toEqual({ kind: 'state', state: 'untrusted' });
    expect(mainHealthView(repo(), health({ configProblems: ['grove.yaml:3: unknown key'] }))).toEqual({ kind: 'config-invalid' });
  });
});

describe('a probe as its row says it', () => {
  it('tells a passing probe whose last run failed (MAIN degraded) from one that never ran', () => {
    expect(describeProbeState(probe({ last: run(true) }))).toEqual({ word: 'passing', tone: 'tone-ok' });
    expect(describeProbeState(probe({ last: run(false), consecutiveFailures: 1 }))).toEqual({ word: 'passing, last run failed', tone: 'tone-warn' });
    expect(describeProbeState(probe({ state: 'failing', last: run(false), consecutiveFailures: 2 }))).toEqual({ word: 'failing', tone: 'tone-bad' });
    expect(describeProbeState(probe({ state: 'unknown' }))).toEqual({ word: 'not run yet', tone: 'tone-idle' });
    expect(describeProbeState(probe({ state: 'unknown', last: run(false), consecutiveFailures: 1 }))).toEqual({ word: 'failed, below the threshold', tone: 'tone-warn' });
  });
});
