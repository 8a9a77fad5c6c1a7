import { describe, expect, it } from 'vitest';
import { FirstRunProgress, isFirstRun } from '../../../../src/renderer/first-run/first-run-step';
import type { Repo } from '../../../../src/shared/repo';

const flower = { id: 'r1', name: 'flower', mainPath: '/home/me/Sites/flower', trusted: false, trustedDigest: null } as Repo;

describe('whether the first run is the whole page', () => {
  it('not while the repositories or agents are still loading', () => {
    expect(isFirstRun(null, 0, { kind: 'add' })).toBe(false);
    expect(isFirstRun([], null, { kind: 'add' })).toBe(false);
  });

  it('while there is no repository and no agent', () => {
    expect(isFirstRun([], 0, { kind: 'add' })).toBe(true);
    expect(isFirstRun([], 1, { kind: 'add' })).toBe(false);
  });

  it('through the add, although the host lists the repository before answering', () => {
    expect(isFirstRun([flower], 0, { kind: 'adding' })).toBe(true);
  });

  it('through the new repository\'s Trust step, until it is trusted', () => {
    expect(isFirstRun([], 0, { kind: 'trust', repo: flower })).toBe(true);
    expect(isFirstRun([flower], 0, { kind: 'trust', repo: flower })).toBe(true);
    expect(isFirstRun([{ ...flower, trusted: true, trustedDigest: 'sha256:a' }], 0, { kind: 'trust', repo: flower })).toBe(false);
  });

  it('not again once trusted from elsewhere (the CLI, another tab), when a later change of grove.yaml leaves it untrusted', () => {
    // This tab's step stayed at Trust: the trust came from elsewhere.
    const changed = { ...flower, trusted: false, trust: 'changed', trustedDigest: 'sha256:a' } as Repo;
    expect(isFirstRun([changed], 3, { kind: 'trust', repo: flower })).toBe(false);
  });

  it('not once a repository exists and nothing is under way ("Not now", or repositories from before)', () => {
    expect(isFirstRun([flower], 0, { kind: 'add' })).toBe(false);
  });

  it('the progress tells its listeners each step', () => {
    const progress = new FirstRunProgress();
    const seen: string[] = [];
    const stop = progress.subscribe(() => seen.push(progress.getSnapshot().kind));
    progress.adding();
    progress.added(flower);
    progress.reset();
    stop();
    progress.adding();
    expect(seen).toEqual(['adding', 'trust', 'add']);
  });
});
