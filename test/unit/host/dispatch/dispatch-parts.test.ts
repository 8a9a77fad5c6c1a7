import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Brief } from '../../../../src/shared/briefs';
import type { Dispatch } from '../../../../src/shared/dispatch';
import { ephemeralLaneName, ephemeralNameOf, ephemeralTarget, isLaneNamedFrom } from '../../../../src/shared/ephemeral-lane-name';
import { withoutTitle } from '../../../../src/host/dispatch/redacted-title';
import { attachmentFilesIn, attachmentPaths, placeAttachments, removeImageCopies, safeName } from '../../../../src/host/dispatch/lane-attachments';
import { packetText } from '../../../../src/host/dispatch/packet';
import { createLogger } from '../../../../src/host/logger';
import { readiness } from '../../../../src/host/dispatch/readiness';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(removeTempDirs);

const brief = (over: Partial<Brief>): Brief => ({ id: 'b1', number: 7, title: 'T', status: 'draft', dependsOn: [], attachments: [], ...over }) as Brief;

describe('ephemeralLaneName', () => {
  it('is brief-N-slug, the slug in lower-case ASCII words, cut short at a word edge', () => {
    expect(ephemeralLaneName(12, 'Livewire dispatch() fatal')).toBe('brief-12-livewire-dispatch-fatal');
    expect(ephemeralLaneName(3, 'Café — über Straße!')).toBe('brief-3-cafe-uber-stra-e');
    expect(ephemeralLaneName(4, '日本語')).toBe('brief-4');
    expect(ephemeralLaneName(5, 'a'.repeat(31) + ' bcdef')).toBe(`brief-5-${'a'.repeat(31)}`);
    expect(ephemeralLaneName(1, 'Worktree-isolated active work (MAIN = stable served/prod); flexible agents-per-worktree')).toBe('brief-1-worktree-isolated-active-work-ma');
    expect(ephemeralLaneName(6, '!!!')).toBe('brief-6');
  });

  it('tells a name made from a title (under any number) from one that holds none of it', () => {
    expect(isLaneNamedFrom('brief-12-livewire-dispatch-fatal', 'Livewire dispatch() fatal')).toBe(true);
    expect(isLaneNamedFrom('brief-3-livewire-dispatch-fatal', 'Livewire dispatch() fatal')).toBe(true);
    expect(isLaneNamedFrom('brief-12-livewire-dispatch-fatal-2', 'Livewire dispatch() fatal')).toBe(false);
    expect(isLaneNamedFrom('brief-12-livewire', 'Livewire dispatch() fatal')).toBe(false);
    expect(isLaneNamedFrom('brief-4', '日本語')).toBe(false);
    expect(ephemeralNameOf(ephemeralTarget('brief-12-fix'))).toBe('brief-12-fix');
    expect(ephemeralNameOf('standing')).toBeNull();
  });
});

describe('withoutTitle', () => {
  const d = (over: Partial<Dispatch>) => ({ id: 'd1', briefNumber: 7, briefTitle: 'Rotate AKIA key', laneId: null, laneName: 'brief-7-rotate-akia-key', ...over }) as Dispatch;
  it('masks the title and the name of a lane still to be made (in the reason too); a lane made keeps its name; another title is left alone', () => {
    expect(withoutTitle(d({}), 'Rotate AKIA key')).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-7-redacted' });
    expect(withoutTitle(d({ laneId: 'l1' }), 'Rotate AKIA key')).toMatchObject({ briefTitle: '[redacted]', laneName: 'brief-7-rotate-akia-key' });
    // The reason of a lane that could not be made names it, and its folder, as the record does.
    const failed = d({ state: 'failed', reason: 'git worktree add /lanes/flower-brief-7-rotate-akia-key-2 failed: fatal: brief-7-rotate-akia-key-2 exists' });
    expect(withoutTitle(failed, 'Rotate AKIA key')).toMatchObject({ laneName: 'brief-7-redacted', reason: 'git worktree add /lanes/flower-brief-7-redacted-2 failed: fatal: brief-7-redacted-2 exists' });
    expect(withoutTitle({ ...failed, laneId: 'l1' }, 'Rotate AKIA key').reason).toBe(failed.reason);
    const other = d({ briefTitle: 'Pay', laneName: 'brief-7-pay' });
    expect(withoutTitle(other, 'Rotate AKIA key')).toBe(other);
  });
});

describe('readiness', () => {
  it('waits for planned, then for every dependency done, naming them', () => {
    const dep = brief({ id: 'd', number: 2, status: 'in_review' });
    const resolve = (id: string) => (id === 'd' ? dep : null);
    expect(readiness(brief({ status: 'draft' }), resolve)).toEqual({ ready: false, reason: 'waiting for #7 to be planned (it is draft)' });
    expect(readiness(brief({ status: 'planned', dependsOn: ['d'] }), resolve)).toEqual({ ready: false, reason: 'waiting for #2 (in review) to be done' });
    dep.status = 'done';
    expect(readiness(brief({ status: 'planned', dependsOn: ['d'] }), resolve)).toEqual({ ready: true });
  });
});

describe('packetText', () => {
  it('names the brief, how to recall it, the lane and the rules; a design pass asks for a plan, not code', () => {
    const build = packetText({ number: 7, title: 'Fix it', lane: { name: 'brief-7-fix-it', path: '/w/flower-brief-7-fix-it' }, phase: 'build', dispatched: true, attachmentPaths: ['.grove/briefs/7/a.png'] });
    expect(build).toContain('brief #7: Fix it');
    expect(build).toContain('recall_brief with no arguments');
    expect(build).toContain('grove brief recall #7');
    expect(build).toContain('Work only in the lane brief-7-fix-it (/w/flower-brief-7-fix-it); never in MAIN.');
    expect(build).toContain('- .grove/briefs/7/a.png');
    expect(build).toContain('the gate decides');
    expect(build).toContain('save them under .grove/ in your lane (git ignores it)');
    const design = packetText({ number: 7, title: 'Fix it', lane: null, phase: 'design', dispatched: false, attachmentPaths: [] });
    expect(design).toContain('recall_brief {"ref": "#7"}');
    expect(design).toContain('This is a design pass');
    expect(design).toContain('do not change code');
    expect(design).not.toContain('The rules:');
  });
});

/** A blob source over a plain folder: what is in it is here; nothing is fetched. */
const here = (dir: string) => ({
  path: (sha: string) => join(dir, sha),
  isHere: (sha: string) => existsSync(join(dir, sha)),
  fetch: () => Promise.resolve({ kind: 'not-uploaded' as const, asked: false }),
});

describe('lane attachments', () => {
  it('copies each attachment under .grove/briefs/N with a safe unique name, behind a .gitignore of everything', async () => {
    const lane = makeTempDir();
    const blobs = makeTempDir();
    writeFileSync(join(blobs, 'x'), 'png-1');
    writeFileSync(join(blobs, 'y'), 'png-2');
    const b = brief({
      attachments: [
        { id: 'a1', sha256: 'x', name: 'shot.png' },
        { id: 'a2', sha256: 'y', name: 'shot.png' },
        { id: 'a3', sha256: 'x', name: '../../etc/passwd' },
      ] as Brief['attachments'],
    });
    const written = await placeAttachments(b, lane, here(blobs), createLogger(() => undefined));
    expect(written).toEqual(['.grove/briefs/7/shot.png', '.grove/briefs/7/shot-2.png', '.grove/briefs/7/_.._etc_passwd']);
    expect(readFileSync(join(lane, '.grove/briefs/7/shot-2.png'), 'utf8')).toBe('png-2');
    expect(readFileSync(join(lane, '.grove/.gitignore'), 'utf8')).toContain('\n*\n');
    expect(existsSync(join(lane, 'etc'))).toBe(false);
    expect([...attachmentFilesIn(b, lane).values()]).toEqual(written);
    expect(attachmentFilesIn(b, makeTempDir()).size).toBe(0);
    expect(attachmentPaths(b).get('a2')).toBe('.grove/briefs/7/shot-2.png');
  });

  it('names in a recall only the attachments that are regular files in the lane: a link an agent put there says nothing of what it points to', async () => {
    const lane = makeTempDir();
    const outside = makeTempDir();
    writeFileSync(join(outside, 'exists.txt'), 'a file outside the lane');
    const b = brief({ attachments: [{ id: 'a1', sha256: 'x', name: 'shot.png' }, { id: 'a2', sha256: 'y', name: 'known.png' }, { id: 'a3', sha256: 'z', name: 'unknown.png' }] as Brief['attachments'] });
    mkdirSync(join(lane, '.grove/briefs/7'), { recursive: true });
    writeFileSync(join(lane, '.grove/briefs/7/shot.png'), 'png');
    symlinkSync(join(outside, 'exists.txt'), join(lane, '.grove/briefs/7/known.png'));
    symlinkSync(join(outside, 'missing.txt'), join(lane, '.grove/briefs/7/unknown.png'));
    expect([...attachmentFilesIn(b, lane)]).toEqual([['a1', '.grove/briefs/7/shot.png']]);
    // The brief's folder itself a link out of the lane, to a folder holding a file of that name.
    const elsewhere = makeTempDir();
    mkdirSync(join(elsewhere, '7'));
    writeFileSync(join(elsewhere, '7', 'shot.png'), 'not in the lane');
    rmSync(join(lane, '.grove/briefs'), { recursive: true });
    symlinkSync(elsewhere, join(lane, '.grove/briefs'));
    expect(attachmentFilesIn(b, lane).size).toBe(0);
  });

  it('fetches an image attached on another host, and leaves out one that cannot be had now, saying why in the log', async () => {
    const lane = makeTempDir();
    const blobs = makeTempDir();
    writeFileSync(join(blobs, 'x'), 'png-1');
    const b = brief({
      attachments: [
        { id: 'a1', sha256: 'x', name: 'here.png' },
        { id: 'a2', sha256: 'y', name: 'fetched.png' },
        { id: 'a3', sha256: 'z', name: 'elsewhere.png' },
      ] as Brief['attachments'],
    });
    const lines: string[] = [];
    const source = {
      ...here(blobs),
      fetch: (sha: string) => {
        if (sha === 'y') writeFileSync(join(blobs, 'y'), 'png-2');
        return Promise.resolve(sha === 'y' ? { kind: 'fetched' as const } : { kind: 'unreachable' as const, message: 'connect ECONNREFUSED' });
      },
    };
    const written = await placeAttachments(b, lane, source, createLogger((l) => lines.push(l)));
    expect(written).toEqual(['.grove/briefs/7/here.png', '.grove/briefs/7/fetched.png']);
    expect(readFileSync(join(lane, '.grove/briefs/7/fetched.png'), 'utf8')).toBe('png-2');
    expect(lines.join('\n')).toMatch(/elsewhere\.png.*unreachable/);
  });

  it('never writes through a link in the lane: a linked folder is refused, a linked file or .gitignore is replaced or left, never followed', async () => {
    const blobs = makeTempDir();
    writeFileSync(join(blobs, 'x'), 'png-1');
    const b = brief({ attachments: [{ id: 'a1', sha256: 'x', name: 'pre-commit' }] as Brief['attachments'] });
    const outside = makeTempDir();
    const logger = createLogger(() => undefined);

    // The brief's folder (or .grove itself) a link out of the lane: refused, nothing written there.
    for (const linked of ['.grove/briefs/7', '.grove']) {
      const lane = makeTempDir();
      mkdirSync(join(lane, linked, '..'), { recursive: true });
      symlinkSync(outside, join(lane, linked));
      await expect(placeAttachments(b, lane, here(blobs), logger)).rejects.toThrow('is a symbolic link; Grove writes only into real folders of the lane');
      expect(readdirSync(outside)).toEqual([]);
    }

    // The file a link to one outside, and .gitignore a dangling link: neither target is written.
    const lane = makeTempDir();
    mkdirSync(join(lane, '.grove/briefs/7'), { recursive: true });
    writeFileSync(join(outside, 'hook'), 'the original\n');
    symlinkSync(join(outside, 'hook'), join(lane, '.grove/briefs/7/pre-commit'));
    symlinkSync(join(outside, 'made-by-grove'), join(lane, '.grove/.gitignore'));
    expect(await placeAttachments(b, lane, here(blobs), logger)).toEqual(['.grove/briefs/7/pre-commit']);
    expect(readFileSync(join(outside, 'hook'), 'utf8')).toBe('the original\n');
    expect(lstatSync(join(lane, '.grove/briefs/7/pre-commit')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(lane, '.grove/briefs/7/pre-commit'), 'utf8')).toBe('png-1');
    expect(existsSync(join(outside, 'made-by-grove'))).toBe(false);
    expect(readdirSync(join(lane, '.grove/briefs/7'))).toEqual(['pre-commit']);
  });

  it('removes the copies of freed images from lanes by their bytes, never through a link', () => {
    const lane = makeTempDir();
    const outside = makeTempDir();
    mkdirSync(join(lane, '.grove/briefs/7'), { recursive: true });
    mkdirSync(join(lane, '.grove/briefs/8'), { recursive: true });
    writeFileSync(join(lane, '.grove/briefs/7/secret.png'), 'png-secret');
    writeFileSync(join(lane, '.grove/briefs/8/renamed by the agent.png'), 'png-secret');
    writeFileSync(join(lane, '.grove/briefs/7/other.png'), 'png-other');
    writeFileSync(join(outside, 'kept.png'), 'png-secret');
    symlinkSync(join(outside, 'kept.png'), join(lane, '.grove/briefs/7/link.png'));
    // A named pipe the agent left (or swapped in): reading it would wait for a writer for ever.
    execFileSync('mkfifo', [join(lane, '.grove/briefs/7/pipe.png')]);
    const secret = createHash('sha256').update('png-secret').digest('hex');
    const warnings: string[] = [];
    const removed = removeImageCopies([lane, makeTempDir()], [secret], createLogger((line) => warnings.push(line)));
    expect(removed.sort()).toEqual([join(lane, '.grove/briefs/7/secret.png'), join(lane, '.grove/briefs/8/renamed by the agent.png')]);
    expect(readdirSync(join(lane, '.grove/briefs/7')).sort()).toEqual(['link.png', 'other.png', 'pipe.png']);
    // Neither the link nor the pipe is a failure to report: they are simply not images.
    expect(warnings).toEqual([]);
    expect(readFileSync(join(outside, 'kept.png'), 'utf8')).toBe('png-secret');
  });

  it('safeName keeps a name inside its folder', () => {
    expect(safeName('a/b\\c\u0001.png')).toBe('a_b_c_.png');
    expect(safeName('...hidden')).toBe('hidden');
    expect(safeName('   ')).toBe('attachment');
  });
});
