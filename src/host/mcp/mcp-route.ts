import type { IncomingMessage, ServerResponse } from 'node:http';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, McpServer, type AuthInfo } from '@modelcontextprotocol/server';
import { apiError } from '../../shared/errors';
import type { Principal } from '../api/dispatch';
import { sendError } from '../api/http-replies';
import type { Logger } from '../logger';
import type { McpCaller } from './mcp-caller';
import { registerTools, type McpToolDeps } from './mcp-tools';

/**
 * Grove's MCP server at `/mcp` (docs/mcp.md): Streamable HTTP through the official SDK, the
 * 2026-07-28 revision and, statelessly, the 2025 ones. The host's gate (Host, Origin) and a
 * bearer token come first (http-server.ts); the SDK does no authentication of its own, and no
 * MCP session is ever taken as one: each request is served by a fresh McpServer built for
 * the principal its own token names, with the tools that principal may call.
 */
export type McpRoute = (req: IncomingMessage, res: ServerResponse, principal: Principal) => Promise<void>;

export interface McpRouteDeps extends McpToolDeps {
  logger: Logger;
  hostVersion: string;
}

/**
 * A tool call's JSON: a 200,000-character plan in any script (up to 4 bytes a character,
 * escapes aside) fits with room; anything larger is answered 413 before it is parsed.
 */
export const MCP_MAX_BODY_BYTES = 2 * 1024 * 1024;

const INSTRUCTIONS = [
  "Grove's briefs: what you are asked to do, and the trace of everything done on it.",
  'Start with recall_brief (without ref it reads the brief dispatched to you), work only in your lane,',
  'propose a plan with propose_plan, note what you find with add_note, link your work with add_link,',
  'and set the status to in_review when done. Every entry you write names you.',
].join(' ');

export function createMcpRoute(deps: McpRouteDeps): { route: McpRoute; close(): Promise<void> } {
  const onerror = (e: Error) => deps.logger.warn('mcp request failed', { error: e.message });
  const handler = createMcpHandler(
    ({ authInfo }) => {
      const server = new McpServer({ name: 'grove', version: deps.hostVersion }, { instructions: INSTRUCTIONS });
      const caller = callerOf(authInfo, deps);
      if (caller) registerTools(server, caller, deps);
      return server;
    },
    { legacy: 'stateless', maxRequestBodySize: MCP_MAX_BODY_BYTES, onerror },
  );
  const node = toNodeHandler(handler, { maxRequestBodySize: MCP_MAX_BODY_BYTES, onerror });

  const route: McpRoute = async (req, res, principal) => {
    if (principal.kind === 'agent' && !deps.agents.agent(principal.agentId)) {
      return sendError(res, apiError('forbidden', 'This agent is no longer known to the host; its token is of no use now.'));
    }
    // The SDK takes validated auth from `req.auth` and hands it to the factory untouched.
    (req as IncomingMessage & { auth?: AuthInfo }).auth = authInfoOf(principal);
    await node(req, res);
  };
  return { route, close: () => handler.close() };
}

/** What the factory learns of the caller; the token itself stays out of it. */
function authInfoOf(principal: Principal): AuthInfo {
  return { token: '', clientId: principal.kind === 'operator' ? 'operator' : principal.agentId, scopes: [], extra: { principal } };
}

function callerOf(authInfo: AuthInfo | undefined, deps: McpRouteDeps): McpCaller | null {
  const principal = authInfo?.extra?.principal as Principal | undefined;
  if (!principal) return null;
  if (principal.kind === 'operator') return { kind: 'operator', principal };
  const agent = deps.agents.agent(principal.agentId);
  return agent ? { kind: 'agent', principal, agent } : null;
}
