import { describe, expect, it } from 'vitest';
import {
  EPHEMERAL,
  defaultDispatchForm,
  dispatchRequestOf,
  repoChoice,
  primaryProjectOf,
  repoForDispatch,
  standingLanesOf,
  withValidTarget,
} from '../../../../src/renderer/briefs/dispatch/dispatch-form-model';
import type { Lane } from '../../../../src/shared/lanes';
import type { Repo } from '../../../../src/shared/repo';

const repo = (id: string, name: string): Repo => ({ id, name, mainPath: `/r/${name}`, addedAt: '2026-01-01T00:00:00Z', trustedDigest: null, trusted: true, trust: 'trusted' });
const lane = (id: string, repoId: string, o: Partial<Lane> = {}): Lane => ({
  id,
  repoId,
  name: id,
  path: `/w/${id}`,
  branch: id,
  kind: 'standing',
  createdAt: '2026-01-01T00:00:00Z',
  status: 'ok',
  adoptable: false,
  port: 4000,
  keyless: false,
  setup: 'done',
  served: null,
  network: null,
  ...o,
});
const flower = { number: 12, projects: [{ name: 'ops', primary: false }, { name: 'flower', primary: true }] };
const repos = [repo('r1', 'flower'), repo('r2', 'thorn')];

describe('the Dispatch form’s repository', () => {
  it('is the one named like the brief’s primary project, whatever the operator picked', () => {
    expect(primaryProjectOf(flower)).toBe('flower');
    expect(repoForDispatch(flower, repos, 'r2')).toEqual({ kind: 'matched', repo: repos[0] });
  });

  it('is the first project’s when none is marked primary', () => {
    expect(primaryProjectOf({ projects: [{ name: 'thorn', primary: false }] })).toBe('thorn');
    expect(repoForDispatch({ projects: [{ name: 'thorn', primary: false }] }, repos, null)).toEqual({ kind: 'matched', repo: repos[1] });
  });

  it('is the operator’s pick when the project names no repository here, and none until they pick one', () => {
    const stray = { number: 3, projects: [{ name: 'elsewhere', primary: true }] };
    expect(repoForDispatch(stray, repos, null)).toEqual({ kind: 'none' });
    expect(repoForDispatch(stray, repos, 'r2')).toEqual({ kind: 'picked', repo: repos[1] });
    expect(repoForDispatch(stray, repos, 'gone')).toEqual({ kind: 'none' });
    expect(repoForDispatch({ projects: [] }, repos, null)).toEqual({ kind: 'none' });
  });
});

describe('the Dispatch form, when several repositories are named like the project', () => {
  const twins = [repo('r1', 'flower'), { ...repo('r3', 'Flower'), mainPath: '/other/flower' }, repo('r2', 'thorn')];

  it('matches the project whatever the case, as the host does, and never guesses between two: the operator picks one of them', () => {
    expect(repoForDispatch(flower, [repo('r1', 'Flower')], null)).toMatchObject({ kind: 'matched' });
    expect(repoForDispatch(flower, twins, null)).toEqual({ kind: 'ambiguous', repos: [twins[0], twins[1]] });
    expect(repoChoice(flower, twins)).toEqual({ several: true, repos: [twins[0], twins[1]] });
    expect(repoChoice(flower, repos)).toEqual({ several: false, repos });
    // A pick among them is taken, and named by its id; one outside them is not.
    expect(repoForDispatch(flower, twins, 'r3')).toEqual({ kind: 'picked', repo: twins[1] });
    expect(repoForDispatch(flower, twins, 'r2')).toMatchObject({ kind: 'ambiguous' });
    expect(dispatchRequestOf(defaultDispatchForm(), flower, repoForDispatch(flower, twins, null))).toEqual({ ok: false, error: 'Several repositories here are named flower: pick the one to dispatch the brief into.' });
    expect(dispatchRequestOf(defaultDispatchForm(), flower, repoForDispatch(flower, twins, 'r3'))).toMatchObject({ ok: true, value: { repoId: 'r3' } });
  });
});

describe('the lanes it offers', () => {
  it('are the repository’s standing lanes Grove made and still has, by name', () => {
    const lanes = [
      lane('zeta', 'r1'),
      lane('alpha', 'r1'),
      lane('brief-3-x', 'r1', { kind: 'ephemeral' }),
      lane('found', 'r1', { adoptable: true }),
      lane('deleted', 'r1', { status: 'missing' }),
      lane('moved', 'r1', { status: 'branch-changed' }),
      lane('other', 'r2'),
    ];
    expect(standingLanesOf('r1', lanes).map((l) => l.name)).toEqual(['alpha', 'moved', 'zeta']);
    expect(standingLanesOf(null, lanes)).toEqual([]);
  });

  it('fall back to a new ephemeral lane when the chosen one is gone', () => {
    const form = { ...defaultDispatchForm(), target: 'alpha' };
    expect(withValidTarget(form, [lane('alpha', 'r1')]).target).toBe('alpha');
    expect(withValidTarget(form, [lane('zeta', 'r1')]).target).toBe(EPHEMERAL);
  });
});

describe('the request it makes', () => {
  const matched = repoForDispatch(flower, repos, null);

  it('starts as a worker Claude Code in a new ephemeral lane, no design pass, no auto-dispatch', () => {
    const r = dispatchRequestOf(defaultDispatchForm(), flower, matched);
    expect(r).toEqual({ ok: true, value: { ref: '#12', via: 'ui', preset: 'claude', role: 'worker', designFirst: false, auto: false } });
  });

  it('names the standing lane, the custom command, the role and both choices as set', () => {
    const form = { ...defaultDispatchForm(), target: 'lane-1', preset: 'custom' as const, command: '  /usr/bin/node ', args: 'agent.mjs\n\n--say hello world\n', role: 'orchestrator' as const, designFirst: true, auto: true };
    expect(dispatchRequestOf(form, flower, matched)).toEqual({
      ok: true,
      value: { ref: '#12', via: 'ui', lane: 'lane-1', preset: 'custom', command: '/usr/bin/node', args: ['agent.mjs', '--say hello world'], role: 'orchestrator', designFirst: true, auto: true },
    });
  });

  it('sends a command and arguments only for Custom…', () => {
    const r = dispatchRequestOf({ ...defaultDispatchForm(), preset: 'codex', command: 'leftover', args: 'left\nover' }, flower, matched);
    expect(r.ok && r.value).toEqual({ ref: '#12', via: 'ui', preset: 'codex', role: 'worker', designFirst: false, auto: false });
  });

  it('names the repository only when the operator picked it', () => {
    const stray = { number: 3, projects: [{ name: 'elsewhere', primary: true }] };
    const r = dispatchRequestOf(defaultDispatchForm(), stray, repoForDispatch(stray, repos, 'r2'));
    expect(r.ok && r.value.repoId).toBe('r2');
  });

  it('says what to fix before asking the host: a repository to pick, a command for Custom…', () => {
    const stray = { number: 3, projects: [{ name: 'elsewhere', primary: true }] };
    expect(dispatchRequestOf(defaultDispatchForm(), stray, { kind: 'none' })).toEqual({ ok: false, error: 'No repository here is named elsewhere: pick the repository to dispatch the brief into.' });
    expect(dispatchRequestOf(defaultDispatchForm(), { number: 3, projects: [] }, { kind: 'none' })).toEqual({ ok: false, error: 'The brief has no project: pick the repository to dispatch it into.' });
    const custom = dispatchRequestOf({ ...defaultDispatchForm(), preset: 'custom', command: '   ' }, flower, matched);
    expect(custom.ok).toBe(false);
    expect(!custom.ok && custom.error).toMatch(/^Custom needs a command/);
  });
});
