import { describe, expect, it } from 'vitest';
import type { RepoConfig } from '../../../../src/shared/config';
import type { LaneDiff, MainState } from '../../../../src/shared/lanes';
import { summarizePreflight } from '../../../../src/renderer/lane-panel/merge-preflight';

const diff = (over: Partial<LaneDiff> = {}): LaneDiff => ({
  mainBranch: 'main',
  mainHead: 'a'.repeat(40),
  laneHead: 'b'.repeat(40),
  mergeBase: 'a'.repeat(40),
  ahead: [{ sha: 'b'.repeat(40), subject: 'Pink petals', author: 'Ann', date: '2026-01-01T00:00:00Z' }],
  behind: 0,
  uncommitted: false,
  files: [],
  patch: '',
  truncated: false,
  ...over,
});
const config = (merge: NonNullable<RepoConfig['config']['merge']> | undefined): RepoConfig => ({ config: merge ? { merge } : {}, files: [], problems: [] }) as RepoConfig;
const main = (over: Partial<MainState> = {}): MainState => ({ repoId: 'r1', branch: 'main', head: 'a'.repeat(40), dirty: [], unexpectedCommits: [], preCommitGuard: false, ...over });

const texts = (lines: { text: string; command?: string }[]) => lines.map((l) => (l.command ? `${l.text} ${l.command}` : l.text));

describe('summarizePreflight', () => {
  it('says where the lane stands, what runs, and that MAIN is healthy', () => {
    const lines = summarizePreflight({ diff: diff({ behind: 2 }), config: config({ check: 'npm test', gate: 'npm run smoke' }), health: { state: 'healthy', probes: [] }, mainState: main() });
    expect(texts(lines)).toEqual([
      '1 commit ahead of main, 2 behind.',
      "The lane's check runs first: npm test",
      "MAIN's gate runs after the merge (a failure rolls MAIN back): npm run smoke",
      'MAIN is healthy.',
    ]);
    expect(lines.map((l) => l.tone)).toEqual(['ok', 'info', 'info', 'ok']);
  });

  it('warns of nothing to merge, uncommitted edits, and a merge no gate checks', () => {
    expect(summarizePreflight({ diff: diff({ ahead: [] }), config: config(undefined), health: undefined, mainState: undefined })).toEqual([
      { topic: 'position', tone: 'warn', text: '0 commits ahead of main, 0 behind: nothing to merge.' },
      { topic: 'gate', tone: 'warn', text: 'No gate: nothing checks MAIN after the merge (grove.yaml merge.gate).' },
    ]);
    const [position] = summarizePreflight({ diff: diff({ uncommitted: true }), config: null, health: undefined, mainState: undefined });
    expect(position).toMatchObject({ tone: 'warn', text: expect.stringContaining('uncommitted edits must be committed first') });
  });

  it('tells that a gate with rollback: ask waits for the operator', () => {
    const lines = summarizePreflight({ diff: null, config: config({ gate: 'make gate', rollback: 'ask' }), health: undefined, mainState: undefined });
    expect(texts(lines)).toEqual(['Reading the lane…', "MAIN's gate runs after the merge (a failure keeps the merge until you roll it back): make gate"]);
  });

  it('names what is wrong with MAIN: uncommitted edits, commits that bypassed Grove, a broken probe', () => {
    const lines = summarizePreflight({
      diff: diff(),
      config: config({ gate: 'true' }),
      health: { state: 'broken', probes: [] },
      mainState: main({ dirty: ['a.txt', 'b.txt'], unexpectedCommits: [{ sha: 'c'.repeat(40), subject: 'Hotfix', author: 'Bo', date: '2026-01-01T00:00:00Z' }] }),
    });
    const mainLines = lines.filter((l) => l.topic === 'main');
    expect(mainLines.map((l) => [l.tone, l.text])).toEqual([
      ['bad', 'MAIN has uncommitted edits (2 files): the merge is refused until they are committed or undone.'],
      ['warn', '1 commit on MAIN did not come through Grove.'],
      ['bad', "MAIN is broken now: a probe failing after the merge may not be this lane's doing."],
    ]);
  });

  it('says grove.yaml has problems that stop merges', () => {
    const broken = { ...config({ gate: 'true' }), problems: [{ file: 'grove.yaml', line: 3, key: 'merge.gate', message: 'must be a string' }] } as RepoConfig;
    const lines = summarizePreflight({ diff: diff(), config: broken, health: undefined, mainState: undefined });
    expect(lines[1]).toEqual({ topic: 'gate', tone: 'bad', text: "grove.yaml has 1 problem: merges are refused until they are fixed (MAIN's view lists them)." });
  });
});
