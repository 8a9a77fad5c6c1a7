import { findHost } from '../host-client/find-host';
import type { CliContext } from './cli-context';
import { ExitCode } from './exit-codes';
import { say } from './lane-target';

/**
 * The running host for a verb that needs one, or the exit code after telling the user why
 * there is none and how to start it.
 */
export async function requireHost(
  ctx: CliContext,
  o: { agentMay?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<{ ok: true; target: { url: string; token: string }; asAgent: boolean } | { ok: false; code: number }> {
  const own = o.agentMay ? agentTarget(o.env ?? process.env) : null;
  if (own) return { ok: true, target: own, asAgent: true };
  const found = await findHost(ctx.dataDir);
  if (found.ok) return { ok: true, target: { url: found.value.discovery.url, token: found.value.token }, asAgent: false };
  const notRunning = found.error.kind === 'not-running';
  const code = notRunning ? 'host_not_running' : 'unreachable';
  if (agentTarget(o.env ?? process.env)) {
    // Inside an agent (its data dir hidden when confined): starting a host here would make a
    // second, empty one. The command is the operator's.
    say(ctx, { code, message: `${found.error.message} This is an agent's terminal: this command is the operator's, to run in the operator's own shell. An agent works through its own token (grove brief, grove dispatch, Grove's MCP tools).` });
    return { ok: false, code: notRunning ? ExitCode.noHost : ExitCode.unreachable };
  }
  say(ctx, { code, message: `${found.error.message}${notRunning ? ' Start one with `grove host` or `grove open`.' : ''}` });
  return { ok: false, code: notRunning ? ExitCode.noHost : ExitCode.unreachable };
}

/**
 * Inside an agent Grove started: the host's URL and the agent's own token, from its
 * environment (GROVE_URL, GROVE_AGENT_TOKEN); null elsewhere. Verbs an agent may run (the
 * ops loop's `grove ops status`) call the host as that agent, never with the operator's
 * token, which an agent is not given.
 */
export function agentTarget(env: NodeJS.ProcessEnv): { url: string; token: string } | null {
  const url = env.GROVE_URL;
  const token = env.GROVE_AGENT_TOKEN;
  return url && token ? { url, token } : null;
}
