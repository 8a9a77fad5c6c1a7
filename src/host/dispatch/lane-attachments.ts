import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Brief } from '../../shared/briefs';

/**
 * A brief's screenshots, copied into the lane under `.grove/briefs/<N>/` so an agent whose
 * model never sees MCP images reads them as files. The folder ignores itself (a `.gitignore`
 * of `*`), so nothing of it reaches a commit and no shared exclude file is touched.
 */
export const LANE_BRIEFS_DIR = '.grove/briefs';

export function placeAttachments(brief: Brief, lanePath: string, blobPath: (sha256: string) => string): string[] {
  if (brief.attachments.length === 0) return [];
  const root = join(lanePath, LANE_BRIEFS_DIR);
  mkdirSync(join(root, String(brief.number)), { recursive: true });
  writeFileSync(join(root, '.gitignore'), '# Grove: briefs\' attachments for the agents in this lane; never committed.\n*\n');
  const written: string[] = [];
  for (const a of brief.attachments) {
    const path = attachmentPaths(brief).get(a.id)!;
    copyFileSync(blobPath(a.sha256), join(lanePath, path));
    written.push(path);
  }
  return written;
}

/** Each attachment's path in a lane, relative to it, by attachment id: the same names `placeAttachments` writes. */
export function attachmentPaths(brief: Brief): Map<string, string> {
  const used = new Set<string>();
  return new Map(brief.attachments.map((a) => [a.id, `${LANE_BRIEFS_DIR}/${brief.number}/${uniqueName(safeName(a.name), used)}`]));
}

/** The attachments that are in this lane as files (placed by a dispatch), for the recall an agent there reads. */
export function attachmentFilesIn(brief: Brief, lanePath: string): Map<string, string> {
  return new Map([...attachmentPaths(brief)].filter(([, path]) => existsSync(join(lanePath, path))));
}

/** A file name that stays in its folder: no separators, no leading dots, no control characters. */
export function safeName(name: string): string {
  const cleaned = [...name].map((c) => (c === '/' || c === '\\' || c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? '_' : c)).join('').replace(/^\.+/, '').trim();
  return cleaned === '' ? 'attachment' : cleaned.slice(0, 120);
}

function uniqueName(name: string, used: Set<string>): string {
  let candidate = name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; used.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
  used.add(candidate);
  return candidate;
}
