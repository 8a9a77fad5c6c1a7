import { describe, expect, it } from 'vitest';
import { decideLaneFileOpen, readLaneFileRequest, runsWhenOpened } from '../../../src/main/lane-file-policy';

const request = { lanePath: '/work/flower-links', relative: 'src/a.ts' };
const found = { ok: true as const, value: { relative: 'src/a.ts', exists: true, isFile: true, changed: false } };

describe('the shell opening a file from a lane\'s terminal', () => {
  it('reads only an absolute lane and a relative path without ..', () => {
    expect(readLaneFileRequest('/work/flower-links', 'src/a.ts')).toEqual({ ok: true, value: request });
    expect(readLaneFileRequest('/work/flower-links', '../flower/.env')).toMatchObject({ ok: false, reason: expect.stringContaining('without ..') });
    expect(readLaneFileRequest('/work/flower-links', 'src/../../x')).toMatchObject({ ok: false });
    expect(readLaneFileRequest('/work/flower-links', '/etc/passwd')).toMatchObject({ ok: false });
    expect(readLaneFileRequest('work/flower-links', 'src/a.ts')).toMatchObject({ ok: false, reason: expect.stringContaining('not absolute') });
    expect(readLaneFileRequest('/work/flower-links', 'a\0b')).toMatchObject({ ok: false });
    expect(readLaneFileRequest({ toString: () => '/x' }, 'a')).toMatchObject({ ok: false });
    expect(readLaneFileRequest('/work/flower-links', '')).toMatchObject({ ok: false });
  });

  it('opens a file the host found in the lane when the real paths agree', () => {
    expect(decideLaneFileOpen({ request, hostAnswer: found, realLane: '/work/flower-links', realTarget: '/work/flower-links/src/a.ts' })).toEqual({ open: true, path: '/work/flower-links/src/a.ts' });
  });

  it('refuses what the host refused, a missing file, a directory, or a different file', () => {
    expect(decideLaneFileOpen({ request, hostAnswer: { ok: false, message: 'src/a.ts is outside lane links' }, realLane: '/w', realTarget: '/w/src/a.ts' })).toEqual({ open: false, reason: 'src/a.ts is outside lane links' });
    expect(decideLaneFileOpen({ request, hostAnswer: { ok: true, value: { ...found.value, exists: false, isFile: false } }, realLane: '/w', realTarget: null })).toMatchObject({ open: false });
    expect(decideLaneFileOpen({ request, hostAnswer: { ok: true, value: { ...found.value, isFile: false } }, realLane: '/w', realTarget: '/w/src/a.ts' })).toMatchObject({ open: false });
    expect(decideLaneFileOpen({ request, hostAnswer: { ok: true, value: { ...found.value, relative: 'src/b.ts' } }, realLane: '/w', realTarget: '/w/src/a.ts' })).toMatchObject({ open: false });
  });

  it('refuses when the shell\'s own real path leads out of the lane (a symlink swapped in after the host looked)', () => {
    const decision = decideLaneFileOpen({ request, hostAnswer: found, realLane: '/work/flower-links', realTarget: '/work/flower/src/a.ts' });
    expect(decision).toEqual({ open: false, reason: 'src/a.ts leads outside the lane' });
    expect(decideLaneFileOpen({ request, hostAnswer: found, realLane: '/work/flower-links', realTarget: '/work/flower-links-2/src/a.ts' })).toMatchObject({ open: false });
    expect(decideLaneFileOpen({ request, hostAnswer: found, realLane: '/work/flower-links', realTarget: '/work/flower-links' })).toMatchObject({ open: false });
  });
});

describe('files that would run when opened', () => {
  it('are never opened with a click: launchers, scripts, programs and anything executable', () => {
    for (const p of ['/l/evil.desktop', '/l/setup.exe', '/l/run.sh', '/l/x.AppImage', '/l/tool.command', '/l/a.jar']) expect(runsWhenOpened(p, 0o644), p).toBe(true);
    expect(runsWhenOpened('/l/bin/thing', 0o755)).toBe(true);
    for (const p of ['/l/src/a.ts', '/l/README.md', '/l/shot.png', '/l/data.json']) expect(runsWhenOpened(p, 0o644), p).toBe(false);
  });
});
