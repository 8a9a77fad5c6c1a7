import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { MainHealth } from '../../shared/health';
import type { Incident, MainEdits } from '../../shared/incidents';
import { OpsStatus, type OpsCheckout } from '../../shared/ops';
import type { Repo } from '../../shared/repo';

/**
 * The file the ops agent reads (its GROVE_STATUS_FILE): MAIN's branch, HEAD, uncommitted
 * edits (paths, +/- counts, the masked diff's end) and health, the
 * open incident, and where the agent's own checkout stands. Written whole to a temporary
 * file and renamed over the old one, so a reader never sees half a file, only the previous
 * state or the next one.
 */
export function statusFilePath(dataDir: string, repoId: string): string {
  return join(dataDir, 'ops', repoId, 'status.json');
}

export interface StatusInputs {
  repo: Repo;
  main: { branch: string | null; head: string | null; edits: MainEdits | null };
  health: MainHealth | null;
  incident: Incident | null;
  checkout: { mode: OpsCheckout; path: string; head: string | null };
  now: Date;
}

export function buildOpsStatus(i: StatusInputs): OpsStatus {
  return {
    repo: { id: i.repo.id, name: i.repo.name, mainPath: i.repo.mainPath },
    main: i.main,
    // Before the first probe run (or without probes) MAIN's health is unknown, not absent.
    health: i.health ?? { state: 'unknown', probes: [] },
    // A closed incident is history: the file names only the one MAIN is in now.
    incident: i.incident && i.incident.closedAt === null ? i.incident : null,
    checkout: i.checkout,
    updatedAt: i.now.toISOString(),
  };
}

/** Atomic: temp file in the same directory, then rename. The directory is the host's (0700). */
export function writeStatusFile(path: string, status: OpsStatus, mask: (text: string) => string = (t) => t): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, mask(JSON.stringify(status, null, 2)) + '\n', { mode: 0o600 });
  renameSync(temp, path);
}

export function removeStatusFile(path: string): void {
  rmSync(dirname(path), { recursive: true, force: true });
}

/** The file as the host last wrote it; null if it is missing or not what Grove writes. */
export function readStatusFile(path: string): OpsStatus | null {
  try {
    const parsed = OpsStatus.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
