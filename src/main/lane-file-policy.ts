import { isAbsolute, join, relative, sep } from 'node:path';
import type { ResolvedLanePath } from '../shared/lanes';

/**
 * Whether the shell opens (or shows in its folder) a file the page asked for from a lane's
 * terminal. The page is not trusted to say what is inside a lane: the request must name a
 * relative path without `..`, the host must know the lane and answer that the file exists
 * inside it (lanes.resolvePath), and the shell's own real paths must agree, symlinks
 * followed. Free of Electron, so it is tested under Node.
 */
export interface LaneFileRequest {
  lanePath: string;
  relative: string;
}

export type LaneFileRequestCheck = { ok: true; value: LaneFileRequest } | { ok: false; reason: string };

export function readLaneFileRequest(lanePath: unknown, rel: unknown): LaneFileRequestCheck {
  if (typeof lanePath !== 'string' || typeof rel !== 'string') return { ok: false, reason: 'the lane and the file must be given as paths' };
  if (lanePath.length > 4096 || rel.length > 4096 || lanePath.includes('\0') || rel.includes('\0')) return { ok: false, reason: 'the path is not a usable path' };
  if (!isAbsolute(lanePath)) return { ok: false, reason: `the lane's path ${lanePath} is not absolute` };
  if (rel === '' || isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return { ok: false, reason: `${rel} is not a path relative to the lane, without ..` };
  return { ok: true, value: { lanePath, relative: rel } };
}

export type LaneFileDecision = { open: true; path: string } | { open: false; reason: string };

export function decideLaneFileOpen(input: {
  request: LaneFileRequest;
  /** The host's lanes.resolvePath answer for the same lane and path. */
  hostAnswer: { ok: true; value: ResolvedLanePath } | { ok: false; message: string };
  /** Real paths as the shell reads them (null: the path does not resolve). */
  realLane: string | null;
  realTarget: string | null;
}): LaneFileDecision {
  const { request, hostAnswer, realLane, realTarget } = input;
  if (!hostAnswer.ok) return { open: false, reason: hostAnswer.message };
  if (!hostAnswer.value.exists || !hostAnswer.value.isFile) return { open: false, reason: `${request.relative} is not a file in this lane` };
  if (hostAnswer.value.relative !== request.relative.split(sep).join('/').replace(/^\.\//, '')) return { open: false, reason: `${request.relative} is not the file the host resolved` };
  if (realLane === null || realTarget === null) return { open: false, reason: `${request.relative} no longer resolves in this lane` };
  if (!isInside(realLane, realTarget)) return { open: false, reason: `${request.relative} leads outside the lane` };
  return { open: true, path: join(realLane, relative(realLane, realTarget)) };
}

/**
 * Opening hands the file to the system's default application, which for a launcher, a script
 * or a program means running it. An agent chooses what its terminal prints, so a file that
 * would run is never opened with a click: it is shown in its folder instead.
 */
const RUNS_WHEN_OPENED = /\.(desktop|exe|msi|bat|cmd|com|ps1|vbs|js|jse|wsf|scr|pif|app|command|tool|sh|bash|zsh|fish|run|bin|appimage|jar|py|pl|rb|apk|deb|rpm|pkg|dmg|lnk|url|webloc|terminal|workflow|scpt)$/i;

export function runsWhenOpened(path: string, mode: number): boolean {
  // Any execute bit: the system may run it rather than show it.
  return RUNS_WHEN_OPENED.test(path) || (mode & 0o111) !== 0;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !isAbsolute(rel) && rel !== '..' && !rel.startsWith(`..${sep}`);
}
