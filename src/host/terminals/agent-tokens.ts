import { createHash, randomBytes } from 'node:crypto';

/**
 * Each run of an agent gets its own token, in its environment, for its hooks (and later
 * MCP). The host keeps only digests; a token identifies one agent and allows it only the
 * methods marked for agents.
 */
export class AgentTokens {
  private readonly byDigest = new Map<string, string>();
  private readonly digestOf = new Map<string, string>();

  issue(agentId: string): string {
    this.revoke(agentId);
    const token = 'agt_' + randomBytes(24).toString('base64url');
    const digest = sha256(token);
    this.byDigest.set(digest, agentId);
    this.digestOf.set(agentId, digest);
    return token;
  }

  revoke(agentId: string): void {
    const d = this.digestOf.get(agentId);
    if (d) this.byDigest.delete(d);
    this.digestOf.delete(agentId);
  }

  /** Map lookup by digest: no timing signal about how much of a token matched. */
  agentOf(token: string): string | null {
    return this.byDigest.get(sha256(token)) ?? null;
  }
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
