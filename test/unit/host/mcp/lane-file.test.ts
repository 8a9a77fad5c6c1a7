import { execFileSync } from 'node:child_process';
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

describe('what a refusal tells an agent about the disk outside its lane', () => {
  const refusal = async (lane: string, path: string) => {
    const r = await openLaneFile(lane, path);
    if (r.ok) throw new Error(`${path} was opened`);
    return { code: r.error.code, message: r.error.message.replace(path, 'PATH') };
  };

  it('answers the same whether or not the host has a file there, by a path or through a link', async () => {
    const lane = makeTempDir();
    const outside = makeTempDir();
    writeFileSync(join(outside, 'id_ed25519'), 'SECRET');
    symlinkSync(join(outside, 'id_ed25519'), join(lane, 'there.png'));
    symlinkSync(join(outside, 'nothing'), join(lane, 'nowhere.png'));
    symlinkSync(outside, join(lane, 'away'));
    symlinkSync(join(outside, 'no-such-folder'), join(lane, 'astray'));
    const byPath = [await refusal(lane, join(outside, 'id_ed25519')), await refusal(lane, join(outside, 'nothing'))];
    expect(byPath[0]).toEqual(byPath[1]);
    expect(byPath[0]!.code).toBe('path_outside_lane');
    const byLink = [await refusal(lane, 'there.png'), await refusal(lane, 'nowhere.png'), await refusal(lane, 'away/id_ed25519'), await refusal(lane, 'away/nothing'), await refusal(lane, 'astray/x.png')];
    for (const r of byLink) expect(r).toEqual(byLink[0]);
    expect(byLink[0]!.code).toBe('path_outside_lane');
    // Nor is where a link leads named.
    for (const r of [...byPath, ...byLink]) expect(r.message).not.toContain('id_ed25519');
    // A path that names nothing inside the lane is still told plainly.
    expect(await refusal(lane, 'shots/missing.png')).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('There is no file at PATH') });
  });

  it('refuses a named pipe at once, rather than waiting for it to be written', async () => {
    const lane = makeTempDir();
    execFileSync('mkfifo', [join(lane, 'shot.png')]);
    const r = await Promise.race([openLaneFile(lane, 'shot.png'), new Promise<'waiting'>((done) => setTimeout(() => done('waiting'), 5000).unref())]);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_request', message: expect.stringContaining('is not a file') } });
  });

  it('calls the lane itself not a file', async () => {
    const lane = makeTempDir();
    expect(await refusal(lane, '.')).toMatchObject({ code: 'invalid_request', message: expect.stringContaining('is not a file') });
  });
});
