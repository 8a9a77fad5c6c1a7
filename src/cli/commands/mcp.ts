import { join } from 'node:path';
import { findHost } from '../../host-client/find-host';
import {
  claudeMcpConfig,
  claudeServerEntry,
  codexMcpOverrides,
  codexMcpToml,
  MCP_SERVER_NAME,
  mcpUrlOf,
  TOKEN_VARIABLE,
  URL_VARIABLE,
} from '../../shared/mcp-client-config';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { say } from '../lane-target';
import { parseCommand } from '../parse-command';
import { usageError } from '../usage';

export const MCP_USAGE = `Usage:
  grove mcp config --for claude|codex [--url URL] [--json]
                                        how to point an agent Grove did not start at Grove's MCP server`;

const CLIENTS = ['claude', 'codex'] as const;
type McpClientName = (typeof CLIENTS)[number];

/**
 * `grove mcp config --for claude|codex`: the configuration an agent needs to reach Grove's
 * MCP server when Grove did not start it (Grove wires the agents it starts by itself). It
 * names environment variables, never a token: GROVE_AGENT_TOKEN holds the token the client
 * sends, GROVE_URL the host's URL. Nothing is asked of the host; the URL comes from --url,
 * GROVE_URL, or the running host's discovery file.
 */
export async function mcpCommand(ctx: CliContext, args: string[]): Promise<number> {
  if (args[0] !== 'config') return usageError(ctx, MCP_USAGE, ['mcp'], args[0] ? `Unknown mcp command ${JSON.stringify(args[0])}.` : 'Say what: grove mcp config.');
  const parsed = parseCommand(args.slice(1), { for: { type: 'string' }, url: { type: 'string' } }, []);
  if (!parsed.ok) return usageError(ctx, MCP_USAGE, ['mcp', 'config'], parsed.message);
  const client = parsed.values.for as McpClientName | undefined;
  if (!client || !CLIENTS.includes(client)) {
    return usageError(ctx, MCP_USAGE, ['mcp', 'config'], `--for takes ${CLIENTS.join(' or ')}${client ? `, not ${JSON.stringify(client)}` : ''}.`);
  }
  let hostUrl = parsed.values.url ?? process.env[URL_VARIABLE];
  if (!hostUrl) {
    // The host that runs, proved, not what a discovery file a dead host left says.
    const found = await findHost(ctx.dataDir);
    if (!found.ok) {
      const notRunning = found.error.kind === 'not-running';
      say(ctx, { code: notRunning ? 'host_not_running' : 'unreachable', message: notRunning ? `No host is running for ${ctx.dataDir}, so its URL is unknown. Start one (grove host), or give --url http://127.0.0.1:PORT.` : found.error.message });
      return notRunning ? ExitCode.noHost : ExitCode.unreachable;
    }
    hostUrl = found.value.discovery.url;
  }
  if (!/^https?:\/\/[^\s]+$/.test(hostUrl)) return usageError(ctx, MCP_USAGE, ['mcp', 'config'], `--url takes the host's URL, e.g. http://127.0.0.1:7070, not ${JSON.stringify(hostUrl)}.`);
  const tokenFile = join(ctx.dataDir, 'token');
  if (client === 'claude') printClaude(ctx, hostUrl, tokenFile);
  else printCodex(ctx, hostUrl, tokenFile);
  return ExitCode.ok;
}

function printClaude(ctx: CliContext, hostUrl: string, tokenFile: string): void {
  // Claude Code expands ${VAR:-default} in the url and headers from its own environment.
  const url = `\${${URL_VARIABLE}:-${hostUrl.replace(/\/+$/, '')}}/mcp`;
  const config = claudeMcpConfig(url);
  const entry = claudeServerEntry(url);
  if (ctx.json) {
    ctx.out(JSON.stringify({ for: 'claude', url: mcpUrlOf(hostUrl), environment: [TOKEN_VARIABLE, URL_VARIABLE], mcpConfig: config, addJson: ['claude', 'mcp', 'add-json', '--scope', 'user', MCP_SERVER_NAME, JSON.stringify(entry)] }));
    return;
  }
  ctx.out(
    [
      `# Claude Code and Grove's MCP server (${mcpUrlOf(hostUrl)}). The token is read from $${TOKEN_VARIABLE} when`,
      `# Claude Code starts, never written here: an agent Grove started has its own; for yourself,`,
      `#   export ${TOKEN_VARIABLE}="$(cat ${tokenFile})"`,
      `# $${URL_VARIABLE} overrides the host's URL (the default is this host's).`,
      '#',
      '# Save this as a file and start Claude Code with --mcp-config FILE:',
      JSON.stringify(config, null, 2),
      '',
      "# or add it to Claude Code's own configuration once:",
      `claude mcp add-json --scope user ${MCP_SERVER_NAME} '${JSON.stringify(entry)}'`,
    ].join('\n'),
  );
}

function printCodex(ctx: CliContext, hostUrl: string, tokenFile: string): void {
  const url = mcpUrlOf(hostUrl);
  const overrides = codexMcpOverrides(url);
  if (ctx.json) {
    ctx.out(JSON.stringify({ for: 'codex', url, environment: [TOKEN_VARIABLE], toml: codexMcpToml(url), args: overrides }));
    return;
  }
  const quoted = overrides.map((a) => (a === '-c' ? a : `'${a}'`)).join(' ');
  ctx.out(
    [
      `# Codex and Grove's MCP server (${url}). Codex sends $${TOKEN_VARIABLE} as the bearer token; it is`,
      `# never written here: an agent Grove started has its own; for yourself,`,
      `#   export ${TOKEN_VARIABLE}="$(cat ${tokenFile})"`,
      '#',
      '# In ~/.codex/config.toml:',
      codexMcpToml(url).trimEnd(),
      '',
      '# or on the command line:',
      `codex ${quoted}`,
    ].join('\n'),
  );
}
