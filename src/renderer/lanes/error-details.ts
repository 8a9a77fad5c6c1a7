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

/** A removal refused because it would lose work: the one refusal an archive answers. */
export function wouldLoseWork(error: CallError): boolean {
  return error.code === 'lane_would_lose_work';
}
