import { z } from 'zod';
import { TrustState } from './trust';

/** A registered repository, identified by its MAIN checkout. */
export const Repo = z.object({
  id: z.string(),
  name: z.string(),
  mainPath: z.string(),
  addedAt: z.string(),
  /** The digest of the commands the operator trusted; null while never trusted (see trust.ts). */
  trustedDigest: z.string().nullable(),
  /** True when grove.yaml's commands are the ones trusted now; false when untrusted, changed or unreadable. */
  trusted: z.boolean(),
  trust: TrustState,
  /** The user's override is `$GROVE_HOME/overrides/<overrideName>.yaml`: the name, or `<name>-2`… when another repository had it first. */
  overrideName: z.string().optional(),
});
export type Repo = z.infer<typeof Repo>;
