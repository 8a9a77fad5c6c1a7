import { expect, type Page } from '@playwright/test';
import { hostForEachTest } from './host-per-test';
import { join } from 'node:path';
import { makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, startHostProcess, type HostProcess, loginUrl } from '../fixtures/host-process';
import { makeTempDir } from '../fixtures/temp-dir';

/**
 * A host as the briefs' e2e tests need it: the operator named mike (the seed's
 * `operator:mike`) and a registered repository named `flower`, the seed's project.
 */
export async function startBriefsHost(): Promise<HostProcess> {
  const host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  await addTrustedRepo(host, makeRepo(join(makeTempDir('grove-briefs-'), 'flower')));
  return host;
}

/** A fresh briefs host for each test of the file (`host()` reads the current one), stopped after it. */
export function briefsHostForEachTest(): () => HostProcess {
  const host = hostForEachTest(startBriefsHost);
  return () => host;
}

/** Signs the page in and opens a route (`#/briefs`, `#/brief/3`), once the cockpit is connected. */
export async function openRoute(page: Page, host: HostProcess, hash: string): Promise<void> {
  await page.goto(await loginUrl(host));
  await expect(page.getByTestId('cockpit')).toHaveAttribute('data-connection', 'open');
  await page.evaluate((h) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = h), hash);
}

/** A call that must succeed; its result. */
export async function must<T>(host: { url: string; token: string }, method: string, params: unknown): Promise<T> {
  const r = await api(host, method, params);
  if (!r.body.ok) throw new Error(`${method}: ${r.status} ${JSON.stringify(r.body.error)}`);
  return r.body.result as T;
}

export async function newBrief(host: HostProcess, params: { title: string; kind?: string; spec?: string; projects?: string[] }): Promise<{ id: string; number: number }> {
  const r = await must<{ brief: { id: string; number: number } }>(host, 'briefs.create', { via: 'api', ...params });
  return r.brief;
}
