import { z } from 'zod';

/**
 * The discovery file (`host.json` in the data dir): how a shell or CLI finds the running
 * host. Written atomically by the host after it listens; removed on clean shutdown. A file
 * left by a killed host is recognised by its dead pid or a failed health check.
 */
export const Discovery = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  protocolVersion: z.number().int(),
  version: z.string(),
  startedAt: z.string(),
  dataDir: z.string(),
});
export type Discovery = z.infer<typeof Discovery>;
