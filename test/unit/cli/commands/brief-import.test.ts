import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkImportFile, MAX_LINE_BYTES } from '../../../../src/cli/commands/brief-import';
import { closeRigs, MIKE, trackedRig } from '../../../fixtures/brief-service';
import { makeTempDir } from '../../../fixtures/temp-dir';

afterEach(closeRigs);

describe('reading a grove brief export file', () => {
  it('counts the entries of a real export, numbering lines as an editor does (blank and CRLF lines too)', async () => {
    const rig = trackedRig();
    const made = rig.service.create({ title: 'x', kind: 'feature', spec: 's', projects: [] }, MIKE, 'cli');
    expect(made.ok).toBe(true);
    const lines = rig.store.since(0, 100).map((e) => JSON.stringify(e));
    const file = join(makeTempDir(), 'ok.jsonl');
    writeFileSync(file, `${lines[0]}\r\n\n${lines.slice(1).join('\n')}\n`);
    expect(await checkImportFile(file)).toEqual({ ok: true, value: { entries: lines.length, blobs: 0 } });
    const bad = join(makeTempDir(), 'bad.jsonl');
    writeFileSync(bad, `${lines[0]}\r\n\n{"half\r\n`);
    expect(await checkImportFile(bad)).toMatchObject({ ok: false, error: { kind: 'malformed', line: 3, message: expect.stringContaining('not JSON') } });
  });

  it('refuses a line longer than any export holds by its number, without reading it whole', async () => {
    const file = join(makeTempDir(), 'huge.jsonl');
    writeFileSync(file, `\n${'x'.repeat(MAX_LINE_BYTES + 10)}\n{}\n`);
    expect(await checkImportFile(file)).toMatchObject({ ok: false, error: { kind: 'malformed', line: 2, message: expect.stringContaining('longer than 28 MiB') } });
  });
});
