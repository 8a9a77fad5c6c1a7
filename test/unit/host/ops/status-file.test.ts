import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Incident } from '../../../../src/shared/incidents';
import { OpsStatus } from '../../../../src/shared/ops';
import { buildOpsStatus, removeStatusFile, statusFilePath, writeStatusFile } from '../../../../src/host/ops/status-file';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const repo = { id: 'r1', name: 'flower', mainPath: '/srv/flower', addedAt: '2026-01-01T00:00:00Z', trustedDigest: null, trusted: false, trust: 'untrusted' as const };
const incident = (closedAt: string | null): Incident => ({
  id: 'i1',
  repoId: 'r1',
  openedAt: '2026-01-02T00:00:00.000Z',
  closedAt,
  probes: [{ name: 'artisan', detail: 'exit 255', outputTail: 'PHP Fatal error: Cannot redeclare dispatch()' }],
  headAtOpen: 'b'.repeat(40),
  lastHealthyAt: null,
  lastHealthyHead: null,
  commits: [],
  recovery: null,
});
const inputs = {
  repo,
  main: { branch: 'main', head: 'b'.repeat(40), edits: null },
  health: null,
  incident: null,
  checkout: { mode: 'worktree' as const, path: '/srv/flower.ops', head: 'a'.repeat(40) },
  now: new Date('2026-01-02T03:04:05.000Z'),
};

describe('the ops status file', () => {
  it('says unknown health before any probe ran, and names only an open incident', () => {
    const status = buildOpsStatus(inputs);
    expect(OpsStatus.parse(status)).toEqual({
      repo: { id: 'r1', name: 'flower', mainPath: '/srv/flower' },
      main: { branch: 'main', head: 'b'.repeat(40), edits: null },
      health: { state: 'unknown', probes: [] },
      incident: null,
      checkout: { mode: 'worktree', path: '/srv/flower.ops', head: 'a'.repeat(40) },
      updatedAt: '2026-01-02T03:04:05.000Z',
    });
    expect(buildOpsStatus({ ...inputs, incident: incident(null) }).incident?.id).toBe('i1');
    expect(buildOpsStatus({ ...inputs, incident: incident('2026-01-02T01:00:00.000Z') }).incident).toBeNull();
  });

  it('is written whole under the data dir, masked, with no temporary file left, and removed with its directory', () => {
    const dataDir = makeTempDir();
    const path = statusFilePath(dataDir, 'r1');
    expect(path).toBe(join(dataDir, 'ops', 'r1', 'status.json'));
    writeStatusFile(path, buildOpsStatus({ ...inputs, incident: incident(null) }), (t) => t.replace('dispatch()', '…(masked)'));
    writeStatusFile(path, buildOpsStatus({ ...inputs, incident: incident(null) }), (t) => t.replace('dispatch()', '…(masked)'));
    const text = readFileSync(path, 'utf8');
    expect(OpsStatus.parse(JSON.parse(text)).incident?.probes[0]?.outputTail).toBe('PHP Fatal error: Cannot redeclare …(masked)');
    expect(readdirSync(dirname(path))).toEqual(['status.json']);
    removeStatusFile(path);
    expect(readdirSync(join(dataDir, 'ops'))).toEqual([]);
  });
});
