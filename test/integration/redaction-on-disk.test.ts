import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BriefEntry } from '../../src/shared/briefs';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { filesHolding } from '../fixtures/files-holding';
import { removeTempDirs } from '../fixtures/temp-dir';

/**
 * A secret pasted into a brief and redacted must be gone from the data dir's files, not only
 * from what Grove shows: a copy of grove.db (a backup, a laptop's disk) would carry it
 * otherwise. Read here byte for byte, as anyone holding the files could.
 */
let host: HostProcess;
beforeAll(async () => {
  host = await startHostProcess();
});
afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

describe('a redacted secret on disk', () => {
  it('is in no file of the data dir once redacted: not the entry, the search index, the WAL or the events', async () => {
    const secret = 'Zq7rT9vXw2Kp4Hs';
    expect((await api(host, 'briefs.create', { title: 'Rotate the payment key' })).status).toBe(200);
    // Enough around it that the search index has more than one segment to merge.
    for (let i = 0; i < 30; i++) await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: `progress note ${i}: checked the webhook logs` } });
    const noted = await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: `the live key is ${secret}, rotate it today` } });
    const entry = (noted.body.result as { entries: BriefEntry[] }).entries[0]!;
    for (let i = 0; i < 30; i++) await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: `later note ${i}: rotation scheduled` } });
    // Before: the secret is on disk (and findable), as expected.
    expect(filesHolding(host.home, secret).length + filesHolding(host.home, secret.toLowerCase()).length).toBeGreaterThan(0);
    const redacted = await api(host, 'briefs.redact', { ref: '#1', entryId: entry.id, reason: 'a live key' });
    expect(redacted.status, JSON.stringify(redacted.body)).toBe(200);
    const found = await api(host, 'briefs.list', { query: secret.toLowerCase() });
    expect((found.body.result as { briefs: unknown[] }).briefs).toEqual([]);
    // The files, as a copy would have them: the host keeps running (nothing is flushed for the test).
    expect(filesHolding(host.home, secret)).toEqual([]);
    expect(filesHolding(host.home, secret.toLowerCase())).toEqual([]);
    // The words around it that were not redacted stay findable.
    expect(((await api(host, 'briefs.list', { query: 'rotation' })).body.result as { briefs: unknown[] }).briefs).toHaveLength(1);
  });
});
