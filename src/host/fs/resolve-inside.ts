import { realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * A path as a program printed it, resolved against a root directory (a lane) and kept to
 * it: `..`, an absolute path elsewhere and a symlink that leads out are all "outside". The
 * check is made on real paths (symlinks followed), so what is answered is where the bytes
 * are, not how the path was spelt. A path that does not exist is resolved through its
 * nearest existing parent, so a missing file under a symlink that leads out is outside too.
 * Only existence and type are read, never content.
 */
export type InsideAnswer =
  | { inside: true; relative: string; exists: boolean; isFile: boolean }
  | { inside: false; realPath: string };

export async function resolveInside(root: string, printed: string): Promise<InsideAnswer> {
  const realRoot = await realpath(root);
  const target = await realpathOfNearest(isAbsolute(printed) ? printed : resolve(root, printed));
  const rel = relativeInside(realRoot, target);
  if (rel === null) return { inside: false, realPath: target };
  const st = await stat(target).catch(() => null);
  return { inside: true, relative: rel, exists: st !== null, isFile: st?.isFile() ?? false };
}

/** `target` relative to `root` with `/` separators ('' for the root itself), or null when it is not under it. */
export function relativeInside(root: string, target: string): string | null {
  const rel = relative(root, target);
  if (rel === '') return '';
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return null;
  return rel.split(sep).join('/');
}

/** The real path of `p`, or of its nearest existing ancestor with the missing rest appended. */
async function realpathOfNearest(p: string): Promise<string> {
  const missing: string[] = [];
  let at = resolve(p);
  for (;;) {
    try {
      return join(await realpath(at), ...missing.reverse());
    } catch {
      const up = dirname(at);
      if (up === at) return resolve(p);
      missing.push(basename(at));
      at = up;
    }
  }
}
