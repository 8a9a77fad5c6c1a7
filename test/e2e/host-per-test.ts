import { test } from '@playwright/test';
import { startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * A fresh host for each test of the file, stopped (with its temp dirs) after it. The answer
 * stands for whichever host the running test has, so a spec keeps one `host` at module level
 * and reads it in its tests and helpers as it would a plain variable.
 */
export function hostForEachTest(start: () => Promise<HostProcess> = () => startHostProcess()): HostProcess {
  let current: HostProcess | undefined;
  test.beforeEach(async () => {
    current = await start();
  });
  test.afterEach(async () => {
    current = undefined;
    await stopAllHosts();
    removeTempDirs();
  });
  return new Proxy({} as HostProcess, {
    get(_target, key) {
      if (!current) throw new Error('the test host exists only while a test runs');
      return current[key as keyof HostProcess];
    },
  });
}
