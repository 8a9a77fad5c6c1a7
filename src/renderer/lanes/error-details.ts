import { z } from 'zod';
import type { CallError } from '../../shared/client/host-connection';

/**
 * The few error details a lane card shows besides the host's message, read defensively:
 * src/shared/errors.ts documents them per code in comments, not as schemas.
 */
const WithFiles = z.object({ files: z.array(z.string()) });

/** Conflicting or dirty paths a refused rebase lists (`lane_rebase_conflict`). */
export function filesOf(error: CallError): string[] {
  const d = WithFiles.safeParse('details' in error ? error.details : undefined);
  return d.success ? d.data.files : [];
}

const Archivable = z.object({ archivable: z.boolean() });

/**
 * A removal refused because it would lose work that an archive can keep: the one refusal
 * "archive, then remove" answers (not a lock, a nested repository, or files too large to keep).
 */
export function archiveWouldKeep(error: CallError): boolean {
  if (error.code !== 'lane_would_lose_work') return false;
  const d = Archivable.safeParse('details' in error ? error.details : undefined);
  return !d.success || d.data.archivable;
}
