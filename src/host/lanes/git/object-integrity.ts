import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { inflateSync } from 'node:zlib';
import type { MergeCheck } from '../../../shared/lanes';
import { symlinksUnder } from './reflog-links';
import { isGitsAnswer, runGit } from './run-git';

/**
 * A confined lane writes the repository's shared object store (a commit needs it), so an
 * agent could put other content under the name of one of MAIN's objects: git does not check
 * an object's content against its name when it reads it, and the next checkout in MAIN (a
 * merge, a rollback) would write that content, while every diff shows the change as nothing.
 *
 * Before Grove's merge moves MAIN, each object file written since the last check is read
 * and checked: a loose object must hash to its name; a new or changed pack must pass `git
 * verify-pack` (which recomputes every name from the pack's content), and a new
 * multi-pack-index `git multi-pack-index verify`. "Written since" goes by the files' ctime,
 * which the kernel sets on every write, rename or link and no process can set back. The
 * index files git reads beside packs (`.rev`, `.bitmap`) name no content; `objects/info`
 * (alternates, the commit graph) is read-only to a lane (confine-policy.ts `pinned`).
 */
export interface ObjectCheck {
  /** Object names (or pack files) whose content is not what their name says. */
  forged: string[];
  /** How many object files were read. */
  checked: number;
}

const LOOSE_DIR = /^[0-9a-f]{2}$/;
const LOOSE_NAME = /^(?:[0-9a-f]{38}|[0-9a-f]{62})$/;

export async function checkObjectsSince(mainPath: string, sinceMs: number): Promise<ObjectCheck> {
  // One question to git: where the shared store is, and which hash names its objects.
  const [commonDir = '', format] = (await runGit(mainPath, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-object-format'])).stdout.trim().split('\n');
  const objects = join(commonDir, 'objects');
  const algorithm = format === 'sha256' ? 'sha256' : 'sha1';
  const forged: string[] = [];
  let checked = 0;
  const newer = (path: string): boolean => {
    try {
      return statSync(path).ctimeMs >= sinceMs;
    } catch {
      return false; // gone meanwhile (a gc): nothing left to read
    }
  };

  for (const dir of readdirSync(objects).filter((d) => LOOSE_DIR.test(d))) {
    for (const file of readdirSync(join(objects, dir)).filter((f) => LOOSE_NAME.test(f))) {
      const path = join(objects, dir, file);
      if (!newer(path)) continue;
      checked++;
      if (!looseObjectMatches(path, dir + file, algorithm)) forged.push(dir + file);
    }
  }

  const packDir = join(objects, 'pack');
  const packFiles = safeReaddir(packDir);
  for (const idx of packFiles.filter((f) => /^pack-[0-9a-f]+\.idx$/.test(f))) {
    const pack = idx.replace(/\.idx$/, '.pack');
    if (!newer(join(packDir, idx)) && !newer(join(packDir, pack))) continue;
    checked++;
    try {
      await runGit(mainPath, ['verify-pack', '--', join(packDir, idx)]);
    } catch (e) {
      // Only git's own refusal is a verdict on the pack: a run ended for its time (a pack too
      // large to verify in it), killed (the OOM killer) or never started (no processes or files
      // left) says nothing of it, and the merge fails saying what happened instead.
      if (!isGitsAnswer(e)) throw e;
      // A gc that removed the pack meanwhile left nothing to read, which is no forgery.
      if (existsSync(join(packDir, pack)) && existsSync(join(packDir, idx))) forged.push(`pack/${pack}`);
    }
  }
  if (packFiles.includes('multi-pack-index') && newer(join(packDir, 'multi-pack-index'))) {
    checked++;
    try {
      await runGit(mainPath, ['multi-pack-index', `--object-dir=${objects}`, 'verify']);
    } catch (e) {
      if (!isGitsAnswer(e)) throw e;
      forged.push('pack/multi-pack-index');
    }
  }
  return { forged, checked };
}

/** A loose object is zlib-deflated `<type> <size>\0<content>`, and its name is the hash of that. */
function looseObjectMatches(path: string, name: string, algorithm: 'sha1' | 'sha256'): boolean {
  try {
    return createHash(algorithm).update(inflateSync(readFileSync(path))).digest('hex') === name;
  } catch {
    return false; // not even an object
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The merge's `objects` check: the objects written since the last clean check, which is
 * kept per repository in the data dir (`objects-checked/<repo id>`: the time it began,
 * less a margin for file systems with coarse timestamps). Before the first, every object
 * written since the repository was added.
 */
export async function sharedObjectsCheck(repo: { id: string; mainPath: string; addedAt: string }, dataDir: string): Promise<MergeCheck> {
  // The shared refs and reflogs, which a lane writes too: a symbolic link there makes the
  // host's git (a merge's reflog line, a recovery ref) write wherever it points.
  const common = (await runGit(repo.mainPath, ['rev-parse', '--path-format=absolute', '--git-common-dir'])).stdout.trim();
  const links = [...symlinksUnder(join(common, 'refs')), ...symlinksUnder(join(common, 'logs'))].map((path) => relative(common, path));
  if (links.length > 0) {
    return {
      name: 'objects',
      ok: false,
      message: `The shared ${links.length === 1 ? 'refs hold a symbolic link' : `refs hold ${links.length} symbolic links`}, written from a lane: git would write through ${links.length === 1 ? 'it' : 'them'} to wherever ${links.length === 1 ? 'it points' : 'they point'}; MAIN is not touched. Remove the lane's agents, then delete ${links.length === 1 ? 'it' : 'them'} (in ${common})`,
      detail: links.slice(0, 40),
    };
  }
  const mark = join(dataDir, 'objects-checked', repo.id);
  const since = readMark(mark) ?? Date.parse(repo.addedAt);
  const began = Date.now();
  const { forged, checked } = await checkObjectsSince(repo.mainPath, since);
  if (forged.length > 0) {
    return {
      name: 'objects',
      ok: false,
      message: `${forged.length} object${forged.length === 1 ? '' : 's'} in the shared store ${forged.length === 1 ? 'holds' : 'hold'} content that is not what ${forged.length === 1 ? 'its name says' : 'their names say'}, written from a lane; MAIN is not touched. \`git fsck\` in MAIN lists them: remove the lane's agents, then delete those files and fetch the objects again`,
      detail: forged.slice(0, 40),
    };
  }
  writeMark(mark, began - MARK_MARGIN_MS);
  return { name: 'objects', ok: true, message: `${checked} object file${checked === 1 ? '' : 's'} written since the last check match their names`, detail: [] };
}

/** Coarse timestamps (2 s on FAT, 1 s on some network file systems): an object written just before a check began is checked again next time. */
const MARK_MARGIN_MS = 2000;

function readMark(path: string): number | null {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

function writeMark(path: string, ms: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${ms}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}
