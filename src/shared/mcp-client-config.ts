import { Paths } from './paths';

/**
 * How an agent's CLI is told where Grove's MCP server is and how to authenticate, with no
 * secret written anywhere: the token stays in the agent's environment (GROVE_AGENT_TOKEN)
 * and the configuration only names it. One place for the presets Grove starts agents with
 * and for `grove mcp config`, which prints the same for an agent Grove did not start.
 *
 * Checked against the real CLIs (docs/mcp.md): Claude Code 2.1 expands `${VAR}` (and
 * `${VAR:-default}`) in an `--mcp-config` file's url and headers from its own environment;
 * Codex 0.171 reads `bearer_token_env_var` and sends `Authorization: Bearer <that variable>`.
 */
export const TOKEN_VARIABLE = 'GROVE_AGENT_TOKEN';
export const URL_VARIABLE = 'GROVE_URL';
export const MCP_SERVER_NAME = 'grove';

/** Claude Code's server entry (`mcpServers.grove`), for `--mcp-config` or `claude mcp add-json`. */
export function claudeServerEntry(url: string): { type: 'http'; url: string; headers: Record<string, string> } {
  return { type: 'http', url, headers: { Authorization: `Bearer \${${TOKEN_VARIABLE}}` } };
}

/** A whole `--mcp-config` file. */
export function claudeMcpConfig(url: string): { mcpServers: Record<string, ReturnType<typeof claudeServerEntry>> } {
  return { mcpServers: { [MCP_SERVER_NAME]: claudeServerEntry(url) } };
}

/** Codex's `-c` overrides: TOML values (a JSON string is a valid TOML basic string). */
export function codexMcpOverrides(url: string): string[] {
  return ['-c', `mcp_servers.${MCP_SERVER_NAME}.url=${JSON.stringify(url)}`, '-c', `mcp_servers.${MCP_SERVER_NAME}.bearer_token_env_var=${JSON.stringify(TOKEN_VARIABLE)}`];
}

/** The same as a `~/.codex/config.toml` table. */
export function codexMcpToml(url: string): string {
  return `[mcp_servers.${MCP_SERVER_NAME}]\nurl = ${JSON.stringify(url)}\nbearer_token_env_var = ${JSON.stringify(TOKEN_VARIABLE)}\n`;
}

/** The MCP endpoint of a host at `hostUrl` (`http://127.0.0.1:PORT`). */
export function mcpUrlOf(hostUrl: string): string {
  return `${hostUrl.replace(/\/+$/, '')}${Paths.mcp}`;
}
