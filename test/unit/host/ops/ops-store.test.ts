import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createOpsStore, type OpsRecord } from '../../../../src/host/ops/ops-store';
import { createRepoStore } from '../../../../src/host/repos/repo-store';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const loop: OpsRecord = {
  repoId: 'r1',
  checkout: 'worktree',
  path: '/srv/flower.ops',
  command: 'claude "/loop watch MAIN"',
  agentId: 'a1',
  head: 'a'.repeat(40),
  behindReason: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

describe('the ops store', () => {
  it('keeps one loop per repository, updates it, and loses it with its repository', () => {
    const { db } = openDatabase(join(makeTempDir(), 'grove.db'));
    const repos = createRepoStore(db);
    repos.insert({ id: 'r1', name: 'flower', mainPath: '/srv/flower', addedAt: '2026-01-01T00:00:00Z' });
    const store = createOpsStore(db);
    store.insert(loop);
    expect(store.list()).toEqual([loop]);
    expect(store.update('r1', { head: 'b'.repeat(40), behindReason: 'it has edits' })).toEqual({ ...loop, head: 'b'.repeat(40), behindReason: 'it has edits' });
    expect(store.get('r1')?.behindReason).toBe('it has edits');
    expect(store.update('nope', { head: null })).toBeUndefined();
    expect(() => store.insert(loop)).toThrow(/UNIQUE|PRIMARY KEY/);
    repos.remove('r1');
    expect(store.list('r1')).toEqual([]);
    db.close();
  });
});
