import { afterEach, describe, expect, it } from 'vitest';
import { formatStamp } from '../../../../src/host/briefs/hybrid-clock';
import { uuidv7 } from '../../../../src/host/ids';
import type { BriefEntry } from '../../../../src/shared/briefs';
import { closeRigs, MIKE, trackedRig, type BriefRig } from '../../../fixtures/brief-service';

afterEach(closeRigs);

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** A brief's export: its created entry and one attachment, the attachment's id given. */
function exported(number: number, attachmentId: string, sha256: string): BriefEntry[] {
  const briefId = uuidv7();
  const base = Date.parse('2026-01-01T00:00:00Z') + number * 10_000;
  const drafts = [
    { kind: 'created', payload: { title: `Brief ${number}`, kind: 'feature', status: 'open', spec: '', projects: [], number } },
    { kind: 'attachment_added', payload: { attachmentId, sha256, name: 'screen.png', type: 'image/png', size: PNG.length } },
  ];
  return drafts.map((d, i) => ({ ...d, id: uuidv7(base + i), briefId, seq: 0, actor: MIKE, channel: 'api', at: new Date(base + i).toISOString(), hlc: formatStamp(base + i, 0, 'n0'), redacted: null }) as BriefEntry);
}

async function stored(r: BriefRig): Promise<string> {
  const put = await r.blobs.put((async function* () {
    yield PNG;
  })());
  if (!put.ok) throw new Error(JSON.stringify(put.error));
  return put.value.sha256;
}

describe('importing a file whose attachment reuses an id held here', () => {
  it('is refused as an edited file, naming the entry and the id, and imports nothing of it', async () => {
    const r = trackedRig();
    const sha = await stored(r);
    expect(r.service.importEntries(exported(1, 'att-1', sha)).ok).toBe(true);
    const second = exported(2, 'att-1', sha);
    const out = r.service.importEntries(second);
    expect(out).toMatchObject({ ok: false, error: { code: 'brief_import_invalid', message: expect.stringContaining('attachment id att-1 is another attachment') } });
    expect(r.store.get(second[0]!.briefId)).toBeNull();
  });
});
