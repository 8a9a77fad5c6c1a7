import { callHost } from '../../host-client/call-host';
import type { AgentInfo } from '../../shared/agents';
import type { OpsLoop, OpsStatus } from '../../shared/ops';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { table } from '../format';
import { fail, pickRepo } from '../lane-target';
import { flagProblem, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';
import { count } from '../../shared/plural';

/**
 * `grove ops start|stop|status`: the repository's ops loop. `status` is also what the ops
 * agent itself runs to read MAIN's state and the open incident (`grove ops status --json`):
 * the loop, its agent's supervision, and the status file Grove keeps for it.
 */
export const OPS_USAGE = `Usage:
  grove ops start [--repo REPO] [--command CMD]
  grove ops stop [--repo REPO]
  grove ops status [--repo REPO] [--json]`;

export async function opsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const flags = parseFlags(rest, ['--repo', '--command'], []);
  const allowed: Record<string, string[]> = { start: ['repo', 'command'], stop: ['repo'], status: ['repo'] };
  if (verb === undefined || !allowed[verb]) return usageError(ctx, OPS_USAGE, ['ops'], verb === undefined ? 'Name what to do: start, stop or status.' : `Unknown ops command ${JSON.stringify(verb)}.`);
  if (!flags) return usageError(ctx, OPS_USAGE, ['ops', verb], flagProblem(rest, ['--repo', '--command']));
  if (flags.positional.length) return usageError(ctx, OPS_USAGE, ['ops', verb], `Unexpected argument ${JSON.stringify(flags.positional[0])}.`);
  const extra = Object.keys(flags.values).find((k) => !allowed[verb]!.includes(k));
  if (extra) return usageError(ctx, OPS_USAGE, ['ops', verb], `ops ${verb} takes no --${extra}.`);
  if (verb === 'status') return opsStatus(ctx, flags.values.repo);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const target = host.target;

  const repo = await pickRepo(ctx, target, flags.values.repo);
  if (!repo) return ExitCode.failed;
  if (verb === 'start') {
    // Making a worktree and starting the agent can take a while on a big repository.
    const r = await callHost(target, 'ops.start', { repoId: repo.id, ...(flags.values.command ? { command: flags.values.command } : {}) }, 120_000);
    if (!r.ok) return fail(ctx, r.error);
    const l = r.value.loop;
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, loop: l }));
    else ctx.out(`The ops loop of ${repo.name} runs \`${l.command}\` in ${l.path} (${checkoutOf(l)}). Its status file: ${l.statusFile}`);
    return ExitCode.ok;
  }
  const r = await callHost(target, 'ops.stop', { repoId: repo.id }, 120_000);
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, ...r.value }));
  else
    ctx.out(
      r.value.checkoutKept
        ? `Stopped the ops loop of ${repo.name}. Its worktree ${r.value.checkoutKept} was KEPT: it holds edits or commits MAIN does not have (see git -C ${r.value.checkoutKept} status).`
        : `Stopped the ops loop of ${repo.name}.`,
    );
  return ExitCode.ok;
}

/**
 * `grove ops status`: run by the operator, or by the ops loop's agent itself, which calls
 * the host with its own token (GROVE_AGENT_TOKEN, GROVE_URL) and sees its own loop.
 */
async function opsStatus(ctx: CliContext, repoName: string | undefined, agentMay = true): Promise<number> {
  const host = await requireHost(ctx, { agentMay });
  if (!host.ok) return host.code;
  const target = host.target;
  // An agent may not list repositories: it names its own by GROVE_REPO, matched below.
  const repo = repoName && !host.asAgent ? await pickRepo(ctx, target, repoName) : null;
  if (repoName && !host.asAgent && !repo) return ExitCode.failed;
  const r = await callHost(target, 'ops.status', repo ? { repoId: repo.id } : {});
  // Another agent (an operator's shell tab in Grove) is no ops loop: ask as the operator, if this user can.
  if (!r.ok && host.asAgent && r.error.code === 'forbidden') return opsStatus(ctx, repoName, false);
  if (!r.ok) return fail(ctx, r.error);
  const views = r.value.loops.filter((v) => !repoName || !host.asAgent || v.repoName === repoName || v.loop.repoId === repoName);
  if (ctx.json) {
    ctx.out(JSON.stringify({ loops: views }));
    return ExitCode.ok;
  }
  if (views.length === 0) ctx.out(`No ops loop${repoName ? ` in ${repoName}` : ''}. Start one: grove ops start`);
  for (const v of views) ctx.out(describe(v));
  return ExitCode.ok;
}

function checkoutOf(l: OpsLoop): string {
  return l.checkout === 'main' ? 'in MAIN itself' : `its own worktree${l.head ? ` at ${l.head.slice(0, 12)}` : ''}`;
}

function describe(v: { loop: OpsLoop; repoName: string; agent: AgentInfo | null; status: OpsStatus | null }): string {
  const { loop, agent, status } = v;
  const name = v.repoName;
  const rows: [string, string][] = [
    ['command', loop.command],
    ['checkout', `${loop.path} (${checkoutOf(loop)})`],
    ['agent', agent ? `${agent.name}: ${supervisionOf(agent)}, ${count(agent.restarts, 'restart')}` : 'none (removed; grove ops start brings it back)'],
  ];
  if (loop.behindReason) rows.push(['behind', `did not follow MAIN: ${loop.behindReason}`]);
  if (status) {
    const failing = status.health.probes.filter((p) => p.state === 'failing');
    rows.push(['MAIN', `${status.main.branch ?? '(detached)'} at ${status.main.head?.slice(0, 12) ?? '(no commit)'}, ${status.health.state}${failing.length ? ` (failing: ${failing.map((p) => `${p.name}: ${p.last?.detail ?? 'failed'}`).join('; ')})` : ''}`]);
    rows.push(['incident', status.incident ? `open since ${status.incident.openedAt}${status.incident.probes.length ? `: ${status.incident.probes.map((p) => p.name).join(', ')}` : ''}` : 'none']);
    rows.push(['status file', `${loop.statusFile} (updated ${status.updatedAt})`]);
  } else rows.push(['status file', `${loop.statusFile} (missing or unreadable)`]);
  return `${name}: ops loop\n${table(rows)}`;
}

function supervisionOf(a: AgentInfo): string {
  const s = a.supervision;
  switch (s.kind) {
    case 'running':
      return `running (pid ${s.pid})`;
    case 'backoff':
      return `restarting at ${s.restartAt}`;
    case 'fatal':
      return `FATAL after ${s.restarts} unstable restarts (fix the command, then grove ops start)`;
    case 'crashed':
    case 'exited':
      return `${s.kind} (${s.signal ? `signal ${s.signal}` : `code ${s.code ?? '?'}`})`;
    default:
      return s.kind;
  }
}
