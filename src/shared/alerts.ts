import { z } from 'zod';

/**
 * An alert as `alerts.list` gives it back: an `alert` event from the host's event log,
 * with its sequence number and time, and when the operator acknowledged it (an
 * `alerts.acknowledged` event, kept in the same log). Alerts and their acknowledgements
 * are kept as long as the events are (the newest 50,000 events); an acknowledgement is
 * always newer than its alert, so it is never pruned before it.
 */
export const Alert = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  message: z.string(),
  agentId: z.string().nullable(),
  repoId: z.string().nullable(),
  /** When the operator acknowledged it; null while it waits for them. */
  acknowledgedAt: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

/** `alerts.acknowledge`: the listed alerts, or every one not acknowledged yet. */
export const AcknowledgeAlertsParams = z
  .object({
    seqs: z.array(z.number().int().positive()).min(1).max(1000).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine((p) => (p.seqs === undefined) !== (p.all === undefined), { message: 'give either seqs (the alerts to acknowledge) or all: true' });
