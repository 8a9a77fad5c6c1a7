import { z } from 'zod';

export const HostStatus = z.object({
  version: z.string(),
  protocolVersion: z.number().int(),
  pid: z.number().int(),
  startedAt: z.string(),
  uptimeMs: z.number().int().nonnegative(),
  dataDir: z.string(),
  schemaVersion: z.number().int(),
  latestEventSeq: z.number().int().nonnegative(),
});
export type HostStatus = z.infer<typeof HostStatus>;
