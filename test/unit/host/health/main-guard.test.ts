import { describe, expect, it } from 'vitest';
import { nextAlerts, parsePorcelainZ, QUIET, type AlertMemory, type HeadReport } from '../../../../src/host/health/main-guard';
import type { CommitSummary, MainState } from '../../../../src/shared/lanes';

/** The guard's alert transitions, without git or files: each transition alerts once. */
const commit = (sha: string, subject: string): CommitSummary => ({ sha, subject, author: 'A', date: '2024-01-01T00:00:00Z' });
const state = (o: Partial<MainState> = {}): MainState => ({
  repoId: 'r',
  branch: 'main',
  head: 'h0'.padEnd(40, '0'),
  dirty: [],
  unexpectedCommits: [],
  preCommitGuard: false,
  ...o,
});
const asLeft: HeadReport = { kind: 'as-left' };

function run(steps: [MainState, HeadReport][]): string[][] {
  let memory: AlertMemory = QUIET;
  return steps.map(([s, head]) => {
    const next = nextAlerts(memory, s, head, '/srv/app');
    memory = next.memory;
    return next.alerts;
  });
}

describe('nextAlerts', () => {
  it('names only the commits not reported before (a restart forgets its memory, not what it told)', () => {
    const a = commit('a'.repeat(40), 'first');
    const b = commit('b'.repeat(40), 'second');
    const reported = new Set([a.sha]);
    const isReported = (sha: string): boolean => reported.has(sha);
    expect(nextAlerts(QUIET, state({ head: a.sha, unexpectedCommits: [a] }), { kind: 'ahead', count: 1 }, '/srv/app', isReported).alerts).toEqual([]);
    expect(nextAlerts(QUIET, state({ head: b.sha, unexpectedCommits: [b, a] }), { kind: 'ahead', count: 2 }, '/srv/app', isReported).alerts).toEqual([
      `MAIN got 1 commit that did not come through Grove's merge: ${'b'.repeat(12)} second`,
    ]);
  });

  it('alerts when MAIN goes from clean to dirty, and only then', () => {
    expect(
      run([
        [state(), asLeft],
        [state({ dirty: ['a'] }), asLeft],
        [state({ dirty: ['a', 'b', 'c', 'd'] }), asLeft],
        [state(), asLeft],
        [state({ dirty: ['a', 'b', 'c', 'd'] }), asLeft],
      ]),
    ).toEqual([
      [],
      ['MAIN (/srv/app) has uncommitted edits: a — edits belong in a lane'],
      [],
      [],
      ['MAIN (/srv/app) has uncommitted edits: a, b, c … — edits belong in a lane'],
    ]);
  });

  it('alerts once per unexpected HEAD, and forgets once the commits are accepted', () => {
    const one = state({ head: 'b'.repeat(40), unexpectedCommits: [commit('b'.repeat(40), 'hotfix')] });
    const two = state({ head: 'c'.repeat(40), unexpectedCommits: [commit('c'.repeat(40), 'more'), commit('b'.repeat(40), 'hotfix')] });
    expect(
      run([
        [one, { kind: 'ahead', count: 1 }],
        [one, { kind: 'ahead', count: 1 }],
        [two, { kind: 'ahead', count: 2 }],
        [state({ head: 'c'.repeat(40) }), asLeft],
        [two, { kind: 'ahead', count: 2 }],
      ]),
    ).toEqual([
      [`MAIN got 1 commit that did not come through Grove's merge: ${'b'.repeat(12)} hotfix`],
      [],
      [`MAIN got 2 commits that did not come through Grove's merge: ${'c'.repeat(12)} more, ${'b'.repeat(12)} hotfix`],
      [],
      [`MAIN got 2 commits that did not come through Grove's merge: ${'c'.repeat(12)} more, ${'b'.repeat(12)} hotfix`],
    ]);
  });

  it('counts every commit past the known head, not only the listed ones', () => {
    const listed = Array.from({ length: 50 }, (_, i) => commit(String(i).padStart(40, '0'), `c${i}`));
    const [alerts] = run([[state({ head: listed[0]!.sha, unexpectedCommits: listed }), { kind: 'ahead', count: 120 }]]);
    expect(alerts?.[0]).toMatch(/^MAIN got 120 commits that did not come through Grove's merge: .* c2 …$/);
  });

  it('says MAIN was moved when the known head is no longer in its history', () => {
    const head = 'd'.repeat(40);
    const [alerts] = run([[state({ head, unexpectedCommits: [commit(head, 'MAIN moved off …')] }), { kind: 'moved-off', knownHead: 'e'.repeat(40) }]]);
    expect(alerts).toEqual([
      `MAIN was moved outside Grove's merge: ${'d'.repeat(12)} does not contain ${'e'.repeat(12)}, where Grove left it (reset or rewritten). Accept MAIN as it is, or restore it.`,
    ]);
  });

  it('raises both alerts in one step when both happen at once', () => {
    const s = state({ dirty: ['x'], head: 'b'.repeat(40), unexpectedCommits: [commit('b'.repeat(40), 'hotfix')] });
    expect(run([[s, { kind: 'ahead', count: 1 }]])[0]).toHaveLength(2);
  });
});

describe('parsePorcelainZ', () => {
  it('lists paths, renames by their new path, names with spaces as they are', () => {
    const out = [' M README.md', 'R  new name.ts', 'old name.ts', '?? dir/', 'A  added.txt', 'C  copy.ts', 'orig.ts', ''].join('\0');
    expect(parsePorcelainZ(out)).toEqual(['README.md', 'new name.ts', 'dir/', 'added.txt', 'copy.ts']);
    expect(parsePorcelainZ('')).toEqual([]);
  });
});
