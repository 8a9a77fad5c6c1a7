import type { AgentInfo } from '../../shared/agents';
import type { Principal } from '../api/dispatch';

/**
 * Who is calling the MCP server, as the bearer token said: the operator, or one agent
 * (with its role). The tool list is built from this for each request, so a worker never
 * even sees the orchestrator's tools.
 */
export type McpCaller = { kind: 'operator'; principal: Principal } | { kind: 'agent'; principal: Principal; agent: AgentInfo };

export type McpRole = 'operator' | AgentInfo['role'];

export function roleOf(caller: McpCaller): McpRole {
  return caller.kind === 'operator' ? 'operator' : caller.agent.role;
}

/** The operator and orchestrator agents may create, dispatch and ask for merges. */
export function mayOrchestrate(caller: McpCaller): boolean {
  return roleOf(caller) !== 'worker';
}
