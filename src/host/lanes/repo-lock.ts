/**
 * One lock per repository: git operations on one repository run one at a time (two
 * `worktree add` at once race on .git/worktrees), different repositories in parallel.
 */
export class RepoLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(repoId: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(repoId) ?? Promise.resolve();
    const result = before.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(repoId, tail);
    void tail.then(() => {
      if (this.tails.get(repoId) === tail) this.tails.delete(repoId);
    });
    return result;
  }

  /** Resolves once the work queued now, on every repository, has ended (a host's stop waits for it). */
  async settled(): Promise<void> {
    await Promise.all(this.tails.values());
  }
}
