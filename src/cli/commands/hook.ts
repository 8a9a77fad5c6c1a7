import { agentTarget } from '../require-host';
import { callHost } from '../../host-client/call-host';
import { ExitCode } from '../exit-codes';
import { HOOK_EVENTS, type HookEvent } from '../../shared/hook-events';

/**
 * `grove hook EVENT`: run by an agent's CLI as a hook (Claude Code passes a JSON payload on
 * stdin). Reports the event to the host with the agent's own token from its environment.
 * It always exits 0 and prints nothing on success: a hook must never break the agent,
 * even when the host is down.
 */

async function readStdin(timeoutMs: number): Promise<string> {
  if (process.stdin.isTTY) return '';
  return new Promise((resolve) => {
    let data = '';
    const done = (): void => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(data);
    };
    const timer = setTimeout(done, timeoutMs);
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (data += d.length + data.length > 1 << 20 ? '' : d));
    process.stdin.on('end', done);
    process.stdin.on('error', done);
  });
}

export async function hookCommand(args: string[]): Promise<number> {
  const event = args[0] as HookEvent | undefined;
  const target = agentTarget(process.env);
  if (!event || !HOOK_EVENTS.includes(event)) {
    process.stderr.write(`grove hook: the event must be one of ${HOOK_EVENTS.join(', ')}\n`);
    return ExitCode.ok;
  }
  if (!target) {
    process.stderr.write('grove hook: not inside an agent started by Grove (GROVE_URL and GROVE_AGENT_TOKEN are unset)\n');
    return ExitCode.ok;
  }
  let transcriptPath: string | undefined;
  try {
    const payload = JSON.parse((await readStdin(1000)) || '{}') as { transcript_path?: unknown };
    if (typeof payload.transcript_path === 'string') transcriptPath = payload.transcript_path;
  } catch {
    /* a hook payload we do not understand still reports the event */
  }
  await callHost(target, 'agents.report', { event, ...(transcriptPath ? { transcriptPath } : {}) }, 2000);
  return ExitCode.ok;
}
