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

/**
 * The host keeps only digests, so it cannot mask an agent's token by value; it masks
 * anything shaped like one (`agt_` and 32 base64url characters) in text it shows, such as
 * the output an agent printed as it died.
 */
export function maskAgentTokens(text: string): string {
  return text.replace(/agt_[A-Za-z0-9_-]{32}/g, 'ag…(masked)');
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
