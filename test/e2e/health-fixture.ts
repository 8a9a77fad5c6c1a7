import { test } from '@playwright/test';
import { stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { ARTISAN_COMMAND, mergeLaneWith, startHostWithProbedRepo, type ProbedHost } from '../fixtures/probed-repo';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * The host the browser stories of MAIN's health share (health.spec.ts, notifications.spec.ts):
 * flower, whose artisan probe fails at once while BROKEN is in MAIN, and a merge gate that
 * checks something else, so a bad merge lands and the probe must notice. Each test gets its
 * own host and repository, stopped and removed after it.
 */
export interface FlowerHost {
  /** The current test's host (read it only while a test runs). */
  readonly host: HostProcess;
  /** flower's id in that host. */
  readonly repoId: string;
  /** flower's MAIN directory. */
  readonly main: string;
  /** A lane `name` whose one commit `change(dir)` makes, merged through Grove; the merge must land. */
  mergeLane(name: string, change: (dir: string) => void): Promise<void>;
}

/** Registers the spec's hooks: before each test a new host with flower, after it nothing left behind. */
export function flowerForEachTest(): FlowerHost {
  let current: ProbedHost | undefined;
  test.beforeEach(async () => {
    current = await startHostWithProbedRepo({
      merge: { gate: 'true' },
      health: { debounceMs: 200, probes: [{ name: 'artisan', command: ARTISAN_COMMAND, failureThreshold: 1 }] },
    });
  });
  test.afterEach(async () => {
    current = undefined;
    await stopAllHosts();
    removeTempDirs();
  });
  const now = (): ProbedHost => {
    if (!current) throw new Error('flower has a host only while a test runs');
    return current;
  };
  return {
    get host() {
      return now().host;
    },
    get repoId() {
      return now().repoId;
    },
    get main() {
      return now().main;
    },
    mergeLane: (name, change) => mergeLaneWith(now().host, now().repoId, name, change),
  };
}
