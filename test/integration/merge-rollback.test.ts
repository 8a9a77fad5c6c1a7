import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Lane, MergeRecord } from '../../src/shared/lanes';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, stopAllHosts, trustRepo, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';

/**
 * `grove merge --rollback` against a real host and real git: the merge's state is read
 * under the repository lock, and a refused rollback writes nothing (no rolled-back ref).
 */
let host: HostProcess;
let main: string;
let repoId: string;

function commitIn(dir: string, file: string, text: string): string {
  writeFileSync(join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '-q', '-m', `add ${file}`);
  return git(dir, 'rev-parse', 'HEAD');
}

const rolledBackRefs = (): string[] => git(main, 'for-each-ref', '--format=%(refname)', 'refs/grove/rolled-back/').split('\n').filter(Boolean);

beforeEach(async () => {
  main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  host = await startHostProcess();
  repoId = await addTrustedRepo(host, main);
});
afterEach(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** A lane with one commit, merged into MAIN (no gate: the merge is `merged`). */
async function mergedLane(): Promise<{ merge: MergeRecord; before: string }> {
  const lane = ((await api(host, 'lanes.create', { repoId, name: 'design' })).body.result as { lane: Lane }).lane;
  commitIn(lane.path, 'design.txt', 'bloom\n');
  const before = git(main, 'rev-parse', 'HEAD');
  const merged = await api(host, 'lanes.merge', { id: lane.id });
  expect(merged.body.ok, JSON.stringify(merged.body)).toBe(true);
  return { merge: (merged.body.result as { merge: MergeRecord }).merge, before };
}

describe('rolling a merge back', () => {
  it('asked twice at once, rolls back once; the second sees the rolled-back state, not a MAIN that moved', async () => {
    const { merge, before } = await mergedLane();
    const [a, b] = await Promise.all([api(host, 'merges.rollback', { id: merge.id }), api(host, 'merges.rollback', { id: merge.id })]);
    const answers = [a.body, b.body];
    expect(answers.filter((r) => r.ok)).toHaveLength(1);
    const refused = answers.find((r) => !r.ok)!;
    expect(refused.error).toMatchObject({ code: 'merge_not_rollbackable' });
    expect(refused.error!.message).toBe('The merge of design is rolled-back; there is nothing to roll back.');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(before);
    expect(rolledBackRefs()).toHaveLength(1);
    expect(git(main, 'rev-parse', rolledBackRefs()[0]!)).toBe(merge.mainAfter);
  });

  it('writes no ref when it refuses because MAIN moved on since the merge', async () => {
    const { merge } = await mergedLane();
    const moved = commitIn(main, 'hotfix.txt', 'later\n');
    const r = await api(host, 'merges.rollback', { id: merge.id });
    expect(r.body.error).toMatchObject({ code: 'merge_not_rollbackable' });
    expect(r.body.error!.message).toContain('MAIN moved on since the merge');
    expect(git(main, 'rev-parse', 'HEAD')).toBe(moved);
    expect(rolledBackRefs()).toEqual([]);
    const listed = (await api(host, 'merges.list', { repoId })).body.result as { merges: MergeRecord[] };
    expect(listed.merges.map((m) => m.state)).toEqual(['merged']);
  });

  it('writes no ref when the reset refuses: MAIN has an uncommitted edit in a file the merge changed', async () => {
    const { merge } = await mergedLane();
    writeFileSync(join(main, 'design.txt'), 'edited in MAIN\n');
    const r = await api(host, 'merges.rollback', { id: merge.id });
    expect(r.body.error).toMatchObject({ code: 'merge_not_rollbackable' });
    expect(r.body.error!.message).toContain('would overwrite uncommitted changes in MAIN (design.txt)');
    expect(rolledBackRefs()).toEqual([]);
  });

  it('after a failed gate, an automatic rollback the reset refuses writes no ref either, and leaves the merge for the operator', async () => {
    // The gate itself leaves an edit in a file the merge changed, then fails.
    commitIn(main, 'grove.yaml', "merge:\n  gate: 'echo half-built >> design.txt; exit 1'\n");
    await trustRepo(host, repoId);
    // Committed in MAIN by hand: accepted, as the operator would before a merge.
    await api(host, 'repos.acceptMain', { repoId });
    const lane = ((await api(host, 'lanes.create', { repoId, name: 'design' })).body.result as { lane: Lane }).lane;
    commitIn(lane.path, 'design.txt', 'bloom\n');
    const merged = await api(host, 'lanes.merge', { id: lane.id });
    expect(merged.body.error).toMatchObject({ code: 'merge_gate_failed' });
    expect(merged.body.error!.message).toContain('the rollback was refused: Rolling back would overwrite uncommitted changes in MAIN (design.txt)');
    expect(rolledBackRefs()).toEqual([]);
    const listed = (await api(host, 'merges.list', { repoId })).body.result as { merges: MergeRecord[] };
    expect(listed.merges.map((m) => m.state)).toEqual(['awaiting-rollback']);
  });
});
