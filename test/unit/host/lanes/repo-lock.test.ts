import { describe, expect, it } from 'vitest';
import { RepoLocks } from '../../../../src/host/lanes/repo-lock';

describe('RepoLocks', () => {
  it('runs one repository\'s work in turn, two repositories\' at once, and settles once all queued work has ended, failures too', async () => {
    const locks = new RepoLocks();
    const log: string[] = [];
    const gate = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const a1 = locks.run('a', async () => {
      log.push('a1 start');
      await gate(30);
      log.push('a1 end');
    });
    const a2 = locks.run('a', async () => {
      log.push('a2 start');
      throw new Error('a2 failed');
    });
    const b1 = locks.run('b', async () => {
      log.push('b1 start');
      await gate(10);
      log.push('b1 end');
    });
    let settled = false;
    const all = locks.settled().then(() => (settled = true));
    await gate(15);
    expect(settled).toBe(false);
    await a1;
    await expect(a2).rejects.toThrow('a2 failed');
    await b1;
    await all;
    expect(log).toEqual(['a1 start', 'b1 start', 'b1 end', 'a1 end', 'a2 start']);
    // Nothing queued: settled at once.
    await expect(locks.settled()).resolves.toBeUndefined();
  });
});
