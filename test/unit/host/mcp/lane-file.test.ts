import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openedInside, openLaneFile } from '../../../../src/host/mcp/lane-file';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const read = (stream: NodeJS.ReadableStream): Promise<string> =>
  new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
  });

describe('a file an agent names to attach', () => {
  it('opens a file in the lane, and refuses one a link leads outside of it', async () => {
    const lane = makeTempDir();
    const outside = makeTempDir();
    writeFileSync(join(outside, 'shot.png'), 'OUTSIDE');
    mkdirSync(join(lane, 'shots'));
    writeFileSync(join(lane, 'shots', 'shot.png'), 'INSIDE');
    symlinkSync(outside, join(lane, 'away'));
    const inside = await openLaneFile(lane, 'shots/shot.png');
    expect(inside.ok && (await read(inside.value.stream()))).toBe('INSIDE');
    expect(await openLaneFile(lane, 'away/shot.png')).toMatchObject({ ok: false, error: { code: 'path_outside_lane' } });
  });

  it("judges what was opened by where the kernel says it is, not by the path checked before: a folder swapped for a link between the two is caught", async () => {
    const lane = makeTempDir();
    const outside = makeTempDir();
    writeFileSync(join(outside, 'shot.png'), 'OUTSIDE');
    mkdirSync(join(lane, 'd'));
    writeFileSync(join(lane, 'd', 'shot.png'), 'INSIDE');
    const checked = join(lane, 'd', 'shot.png');
    // As the race leaves it: the path was checked inside, then `d` became a link to outside before the open.
    renameSync(join(lane, 'd'), join(lane, 'gone'));
    symlinkSync(outside, join(lane, 'd'));
    const handle = await open(checked, 'r');
    try {
      expect(await openedInside(handle.fd, lane, checked)).toBe(false);
    } finally {
      await handle.close();
    }
    const fine = await open(join(lane, 'gone', 'shot.png'), 'r');
    try {
      expect(await openedInside(fine.fd, lane, join(lane, 'gone', 'shot.png'))).toBe(true);
    } finally {
      await fine.close();
    }
  });
});
