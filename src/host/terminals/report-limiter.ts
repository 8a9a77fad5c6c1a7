/**
 * How often one agent may call `agents.report`: a token bucket per agent. Grove's hooks
 * report each event of the CLI once, a few a second at most even in a busy turn; a loop
 * calling the method (a confused or hostile agent) would otherwise fill the event log and
 * the notification list with its states and push the operator's real notices out. What
 * is over the limit is answered `rate_limited` and changes nothing.
 */
export const ReportLimits = {
  /** Reports one agent may make at once. */
  burst: 30,
  /** Reports per second it earns back, up to `burst`. */
  perSecond: 5,
} as const;

export type ReportLimitConfig = { burst: number; perSecond: number };

export class ReportLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limits: ReportLimitConfig = ReportLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one report's worth from the agent's bucket; false when it is empty. */
  take(agentId: string): boolean {
    const t = this.now();
    const b = this.buckets.get(agentId) ?? { tokens: this.limits.burst, at: t };
    const tokens = Math.min(this.limits.burst, b.tokens + ((t - b.at) / 1000) * this.limits.perSecond);
    if (tokens < 1) {
      this.buckets.set(agentId, { tokens, at: t });
      return false;
    }
    this.buckets.set(agentId, { tokens: tokens - 1, at: t });
    return true;
  }

  forget(agentId: string): void {
    this.buckets.delete(agentId);
  }
}
