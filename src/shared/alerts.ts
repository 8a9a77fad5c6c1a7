import { z } from 'zod';

/**
 * An alert as `alerts.list` gives it back: an `alert` event from the host's event log,
 * with its sequence number and time. Alerts are kept as long as the events are (the
 * newest 50,000 events).
 */
export const Alert = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  message: z.string(),
  agentId: z.string().nullable(),
  repoId: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;
