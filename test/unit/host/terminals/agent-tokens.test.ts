import { describe, expect, it } from 'vitest';
import { AgentTokens, maskAgentTokens } from '../../../../src/host/terminals/agent-tokens';

describe('agent tokens', () => {
  it('an issued token names its agent until revoked', () => {
    const tokens = new AgentTokens();
    const t = tokens.issue('a1');
    expect(tokens.agentOf(t)).toBe('a1');
    tokens.revoke('a1');
    expect(tokens.agentOf(t)).toBeNull();
  });

  it('a token printed by an agent (its env dumped as it crashed) is masked wherever it appears', () => {
    const t = new AgentTokens().issue('a1');
    const text = `PATH=/usr/bin\nGROVE_AGENT_TOKEN=${t}\nfatal: ${t}!`;
    const masked = maskAgentTokens(text);
    expect(masked).not.toContain(t);
    expect(masked).toBe('PATH=/usr/bin\nGROVE_AGENT_TOKEN=ag…(masked)\nfatal: ag…(masked)!');
  });
});
