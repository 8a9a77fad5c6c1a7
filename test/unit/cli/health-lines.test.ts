import { describe, expect, it } from 'vitest';
import { healthSignature, healthSummary, incidentLines } from '../../../src/cli/health-lines';
import { parseMinutes } from '../../../src/cli/commands/notifications';
import type { MainHealth } from '../../../src/shared/health';
import type { Incident } from '../../../src/shared/incidents';

const run = (ok: boolean, at: string, detail = ok ? 'exit 0' : 'exit 255') => ({ probe: 'artisan', ok, at, durationMs: 40, detail, outputTail: ok ? '' : 'PHP Fatal error\n' });
const broken: MainHealth = {
  state: 'broken',
  probes: [
    { name: 'artisan', state: 'failing', consecutiveFailures: 2, last: run(false, '2026-11-21T10:00:00Z') },
    { name: 'site', state: 'passing', consecutiveFailures: 0, last: { ...run(true, '2026-11-21T10:00:00Z'), probe: 'site' } },
  ],
};

describe('how MAIN reads in a terminal', () => {
  it('names the failing probes, and asks for probes when there are none', () => {
    expect(healthSummary(broken)).toBe('MAIN is broken (artisan: exit 255)');
    expect(healthSummary({ state: 'unknown', probes: [] })).toContain('add health.probes');
  });

  it('says config invalid with each problem on its own line, whatever the probes say', () => {
    const invalid: MainHealth = { state: 'unknown', probes: [], configProblems: ['/srv/flower/grove.yaml:4: unknown key "comand"', '/srv/flower/grove.yaml:5: unknown key "debounce"'] };
    expect(healthSummary(invalid).split('\n')).toEqual(['config invalid (fix grove.yaml):', '  /srv/flower/grove.yaml:4: unknown key "comand"', '  /srv/flower/grove.yaml:5: unknown key "debounce"']);
    expect(healthSummary({ ...broken, configProblems: ['x'] })).toBe('config invalid (fix grove.yaml; its last valid probes say MAIN is broken):\n  x');
    expect(healthSignature({ ...broken, configProblems: ['x'] })).not.toBe(healthSignature(broken));
  });

  it('changes its signature when the state or a failure changes, not when only the run time does', () => {
    const later: MainHealth = { ...broken, probes: broken.probes.map((p) => ({ ...p, last: { ...p.last!, at: '2026-11-21T10:05:00Z', durationMs: 90 } })) };
    expect(healthSignature(later)).toBe(healthSignature(broken));
    const otherFailure: MainHealth = { ...broken, probes: [{ ...broken.probes[0]!, last: run(false, '2026-11-21T10:05:00Z', 'no answer within 10 s') }, broken.probes[1]!] };
    expect(healthSignature(otherFailure)).not.toBe(healthSignature(broken));
  });

  it('tells an incident: span, probe and output, the commits with their lane and agents, the recovery', () => {
    const incident: Incident = {
      id: 'i1',
      repoId: 'r1',
      openedAt: '2026-11-21T10:00:00Z',
      closedAt: '2026-11-21T10:06:30Z',
      probes: [{ name: 'artisan', detail: 'exit 255', outputTail: 'booting\nPHP Fatal error: Cannot redeclare dispatch()\n' }],
      headAtOpen: 'b'.repeat(40),
      lastHealthyAt: '2026-11-21T09:58:00Z',
      lastHealthyHead: 'a'.repeat(40),
      commits: [
        { sha: 'c'.repeat(40), subject: 'Add dispatch()', author: 'A', date: '2026-11-21T09:59:00Z', via: { mergeId: 'm1', laneName: 'backend', branch: 'backend', agents: ['claude-1'] } },
        { sha: 'd'.repeat(40), subject: 'hotfix', author: 'B', date: '2026-11-21T09:59:30Z', via: null },
      ],
      recovery: { at: '2026-11-21T10:06:30Z', head: 'e'.repeat(40), how: 'merge of lane fix (eeeeeee)', commits: [] },
    };
    const text = incidentLines(incident, 'flower', new Date('2026-11-21T11:00:00Z')).join('\n');
    expect(text).toContain('(6m 30s)');
    expect(text).toContain('artisan: exit 255');
    expect(text).toContain('| PHP Fatal error: Cannot redeclare dispatch()');
    expect(text).toContain('cccccccccc Add dispatch() — lane backend (backend), agents claude-1');
    expect(text).toContain('dddddddddd hotfix — did not come through Grove');
    expect(text).toContain('recovered: merge of lane fix (eeeeeee)');
    expect(incidentLines({ ...incident, closedAt: null, recovery: null }, 'flower', new Date('2026-11-21T10:01:00Z'))[0]).toContain('OPEN since');
  });

  it('reads pause durations in minutes, hours and days, and refuses others', () => {
    expect(parseMinutes('45')).toBe(45);
    expect(parseMinutes('30m')).toBe(30);
    expect(parseMinutes('2h')).toBe(120);
    expect(parseMinutes('1d')).toBe(1440);
    expect(parseMinutes('8d')).toBeNull();
    expect(parseMinutes('soon')).toBeNull();
    expect(parseMinutes('0')).toBeNull();
  });
});
