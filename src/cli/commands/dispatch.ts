import { callHost, type CallFailure } from '../../host-client/call-host';
import { AgentRole, PresetId } from '../../shared/agents';
import { DispatchState, type Claim, type Dispatch, type Packet } from '../../shared/dispatch';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, type Target } from '../lane-target';
import { parseCommand } from '../parse-command';
import { requireHost } from '../require-host';
import { usageError } from '../usage';
import { ago, columns } from './brief-format';
import { relatedBriefs } from './brief-show';

/**
 * `grove dispatch REF …`, `grove dispatch cancel ID`, `grove dispatches`: a brief given to an
 * agent in a lane, through the same dispatch.* methods as the Dispatch panel (every request
 * says `via: 'cli'`). Inside an agent the agent's own token is used, as for `grove brief`, so
 * the host decides what an agent may do; dispatching is the operator's, and the refusal says
 * where to run it instead. With --json each form prints exactly one JSON document.
 */
export const DISPATCH_USAGE = `Usage:
  grove dispatch REF [--lane L | --ephemeral] [--preset claude|codex|shell|custom] [--command PROG]
                     [--role worker|orchestrator] [--design-first] [--auto] [--repo R] [-- ARGS...]
  grove dispatch cancel ID
  grove dispatches [--brief REF] [--all]`;

/** How long `grove dispatch` waits to say what became of the dispatch (the agent running, or why not) before it answers. */
const FOLLOW_MS = 10_000;
const FOLLOW_EVERY_MS = 150;

const str = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const CREATE_OPTIONS = { lane: str, ephemeral: flag, preset: str, command: str, role: str, 'design-first': flag, auto: flag, repo: str };
const LIST_OPTIONS = { brief: str, all: flag };

/** A wrong command line (usage.ts's usageError). */
const usage = (ctx: CliContext, words: readonly string[], message: string): number => usageError(ctx, DISPATCH_USAGE, words, message);

/**
 * The host's refusal, printed as `fail` does. An agent's token may not dispatch or list
 * dispatches: the host's `forbidden` code is kept, its message replaced by one that says
 * where to do it instead.
 */
function refused(ctx: CliContext, error: CallFailure, asAgent: boolean, what: string): number {
  if (!asAgent || error.code !== 'forbidden') return fail(ctx, error);
  // The host's own message speaks of agents in general (and of hooks); this one names the way out.
  const method = 'details' in error && typeof error.details?.method === 'string' ? ` (${error.details.method})` : '';
  const message = `${what} is the operator's, and this runs inside an agent (GROVE_AGENT_TOKEN is set): the host refused the agent's token${method}. Run it from your own shell; an orchestrator agent dispatches with the MCP tool dispatch_brief.`;
  return fail(ctx, { ...error, message });
}

export async function dispatchCommand(ctx: CliContext, args: string[]): Promise<number> {
  if (args[0] === 'cancel') return cancelDispatch(ctx, args.slice(1));
  const dash = args.indexOf('--');
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const extra = dash >= 0 ? args.slice(dash + 1) : [];
  const parsed = parseCommand(own, CREATE_OPTIONS, ['REF (the brief: #N, N or its id)']);
  if (!parsed.ok) return usage(ctx, ['dispatch', 'REF'], parsed.message);
  const v = parsed.values;
  if (v.lane !== undefined && v.ephemeral) return usage(ctx, ['dispatch', 'REF'], `--lane ${v.lane} and --ephemeral are exclusive: a standing lane, or a new ephemeral lane (the default).`);
  const preset = PresetId.safeParse(v.preset ?? 'claude');
  if (!preset.success) return usage(ctx, ['dispatch', 'REF'], `--preset takes ${PresetId.options.join(', ')}, not ${JSON.stringify(v.preset)}.`);
  const role = AgentRole.safeParse(v.role ?? 'worker');
  if (!role.success) return usage(ctx, ['dispatch', 'REF'], `--role takes ${AgentRole.options.join(' or ')}, not ${JSON.stringify(v.role)}.`);
  // A custom agent's program: --command, or the first word after `--` (as `grove agent start -- CMD ARGS` takes it).
  const command = v.command ?? (preset.data === 'custom' ? extra.shift() : undefined);
  if (preset.data === 'custom' && !command) return usage(ctx, ['dispatch', 'REF'], '--preset custom needs its program: --command PROG, or -- PROG ARGS.');

  const host = await requireHost(ctx, { agentMay: true });
  if (!host.ok) return host.code;
  const { target } = host;
  const made = await callHost(
    target,
    'dispatch.create',
    {
      ref: parsed.positionals[0]!,
      ...(v.lane !== undefined ? { lane: v.lane } : {}),
      preset: preset.data,
      ...(command !== undefined ? { command } : {}),
      ...(extra.length ? { args: extra } : {}),
      role: role.data,
      designFirst: v['design-first'] === true,
      auto: v.auto === true,
      ...(v.repo !== undefined ? { repoId: v.repo } : {}),
      via: 'cli',
    },
    30_000,
  );
  if (!made.ok) return refused(ctx, made.error, host.asAgent, 'Dispatching a brief');
  const dispatch = await follow(target, made.value.dispatch);
  // Once the lane exists the packet can name its path; the one answered with the request could not.
  const packet = dispatch.laneId !== made.value.dispatch.laneId ? await packetOf(target, dispatch, made.value.packet) : made.value.packet;
  if (dispatch.state === 'failed') {
    const message = `${dispatchedLine(dispatch)} The brief's trace has it; fix what it says and dispatch again.`;
    if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: { code: 'dispatch_failed', message, details: { dispatch, packet } } }));
    else ctx.errOut(message);
    return ExitCode.failed;
  }
  if (ctx.json) {
    ctx.out(JSON.stringify({ ok: true, dispatch, packet }));
    return ExitCode.ok;
  }
  ctx.out(dispatchedLine(dispatch));
  ctx.out(`\n${framedPacket(packet)}`);
  return ExitCode.ok;
}

/**
 * The dispatch once it settled (running, waiting, queued for room, failed…), or as it is
 * after FOLLOW_MS: the host starts it right after answering, so the first answer is always
 * `queued` and says little. A lane's recipe can take minutes; then it is still `starting`.
 */
async function follow(target: Target, d: Dispatch): Promise<Dispatch> {
  const deadline = Date.now() + FOLLOW_MS;
  let now = d;
  while (isUnsettled(now) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
    const r = await callHost(target, 'dispatch.list', { ref: d.briefId, limit: 20 });
    if (!r.ok) return now;
    now = r.value.dispatches.find((x) => x.id === d.id) ?? now;
  }
  return now;
}

/** Queued without a reason is only "about to start"; starting is the lane and agent being made. */
function isUnsettled(d: Dispatch): boolean {
  return d.state === 'starting' || (d.state === 'queued' && d.reason === null);
}

async function packetOf(target: Target, d: Dispatch, fallback: Packet): Promise<Packet> {
  const r = await callHost(target, 'briefs.packet', { ref: d.briefId });
  return r.ok ? r.value : fallback;
}

/** "#12 dispatched to a new ephemeral lane brief-12-fix (claude, worker): running as claude-brief-12." */
function dispatchedLine(d: Dispatch): string {
  const where = d.targetLaneId ? `the lane ${d.laneName}` : `a new ephemeral lane ${d.laneName}`;
  const how = [d.preset, d.role, ...(d.designFirst ? ['design pass first'] : []), ...(d.auto ? ['auto'] : [])].join(', ');
  return `#${d.briefNumber} dispatched to ${where} (${how}): ${stateText(d)}`;
}

/** The state in a sentence: the host's reason where it gave one, else what the state means. */
function stateText(d: Dispatch): string {
  const follow = `; follow it with: grove dispatches --brief ${d.briefNumber}`;
  if (d.state === 'running') return `running as ${d.agentName ?? d.agentId}${d.phase === 'design' ? ' (a design pass: it proposes a plan)' : ''}.`;
  if (d.reason) return `${d.reason.startsWith(d.state) ? d.reason : `${d.state}: ${d.reason}`}${d.state === 'waiting' || d.state === 'queued' ? `${follow}, take it back with: grove dispatch cancel ${d.id}` : ''}.`;
  if (d.state === 'starting') return `starting (making the lane, then the agent)${follow}.`;
  if (d.state === 'queued') return `queued${follow}.`;
  return `${d.state}.`;
}

/** The packet between two rules, its lines as they are, so a terminal selection copies it clean. */
function framedPacket(p: Packet): string {
  const head = `── the packet for #${p.number} (give it to any agent by hand; grove brief packet ${p.number} prints it alone) `;
  const rule = head + '─'.repeat(Math.max(3, 100 - head.length));
  return [rule, p.text, '─'.repeat(rule.length)].join('\n');
}

async function cancelDispatch(ctx: CliContext, args: string[]): Promise<number> {
  const parsed = parseCommand(args, {}, ['ID (the dispatch\'s id, as grove dispatches shows it)']);
  if (!parsed.ok) return usage(ctx, ['dispatch', 'cancel'], parsed.message);
  const host = await requireHost(ctx, { agentMay: true });
  if (!host.ok) return host.code;
  const given = parsed.positionals[0]!;
  const id = await dispatchIdOf(host.target, given);
  if (id.kind === 'failed') return refused(ctx, id.error, host.asAgent, 'Cancelling a dispatch');
  if (id.kind === 'ambiguous') {
    const message = `${given} is the start of ${id.count} dispatches' ids; give more of it (grove dispatches --all lists them).`;
    if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: { code: 'dispatch_ambiguous', message } }));
    else ctx.errOut(message);
    return ExitCode.failed;
  }
  const r = await callHost(host.target, 'dispatch.cancel', { id: id.id });
  if (!r.ok) return refused(ctx, r.error, host.asAgent, 'Cancelling a dispatch');
  const d = r.value.dispatch;
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, dispatch: d }));
  else ctx.out(`Cancelled the dispatch of #${d.briefNumber} to ${d.laneName ?? 'a new lane'}; no agent was started. The brief's trace says so.`);
  return ExitCode.ok;
}

/** A dispatch's id from the id or a unique prefix of it; an unknown one goes to the host as given, which names it. */
async function dispatchIdOf(target: Target, given: string): Promise<{ kind: 'id'; id: string } | { kind: 'ambiguous'; count: number } | { kind: 'failed'; error: CallFailure }> {
  const r = await callHost(target, 'dispatch.list', { state: [...DispatchState.options] });
  if (!r.ok) return { kind: 'failed', error: r.error };
  if (r.value.dispatches.some((d) => d.id === given)) return { kind: 'id', id: given };
  const matches = r.value.dispatches.filter((d) => d.id.startsWith(given));
  if (matches.length > 1) return { kind: 'ambiguous', count: matches.length };
  return { kind: 'id', id: matches[0]?.id ?? given };
}

export async function dispatchesCommand(ctx: CliContext, args: string[]): Promise<number> {
  const parsed = parseCommand(args, LIST_OPTIONS, []);
  if (!parsed.ok) return usage(ctx, ['dispatches'], parsed.message);
  const v = parsed.values;
  const host = await requireHost(ctx, { agentMay: true });
  if (!host.ok) return host.code;
  // A brief's dispatches come in every state; --all asks for every state of every brief.
  const r = await callHost(host.target, 'dispatch.list', { ...(v.brief !== undefined ? { ref: v.brief } : {}), ...(v.all ? { state: [...DispatchState.options] } : {}) });
  if (!r.ok) return refused(ctx, r.error, host.asAgent, 'Listing dispatches');
  const { dispatches, claims } = r.value;
  if (ctx.json) {
    ctx.out(JSON.stringify({ ok: true, dispatches, claims }));
    return ExitCode.ok;
  }
  if (!dispatches.length) {
    ctx.out(v.brief !== undefined ? `${v.brief} was never dispatched. Dispatch it: grove dispatch ${v.brief}` : v.all ? 'Nothing was dispatched yet. Dispatch a brief: grove dispatch REF' : 'No open dispatches (`grove dispatches --all` lists every one). Dispatch a brief: grove dispatch REF');
  } else ctx.out(dispatchRows(dispatches).join('\n'));
  if (claims.length) ctx.out(`\nClaims:\n${(await claimLines(host.target, claims, dispatches)).join('\n')}`);
  return ExitCode.ok;
}

/** One line per dispatch under a header, its reason (why it waits, queues, failed or ended) on the line below. */
export function dispatchRows(dispatches: readonly Dispatch[], now = Date.now()): string[] {
  const cells = dispatches.map((d) => [
    `#${d.briefNumber} ${short(d.briefTitle, 28)}`,
    d.state,
    d.laneName ?? '–',
    d.agentName ?? '–',
    `${d.preset}/${d.role}`,
    d.phase,
    String(d.wave),
    ago(d.createdAt, now),
    d.id,
  ]);
  const lines = columns([['BRIEF', 'STATE', 'LANE', 'AGENT', 'PRESET/ROLE', 'PHASE', 'WAVE', 'AGE', 'ID'], ...cells]);
  const indent = ' '.repeat(lines[0]!.indexOf('STATE'));
  return lines.flatMap((line, i) => {
    const reason = i > 0 ? dispatches[i - 1]!.reason : null;
    return reason ? [line, `${indent}${reason}`] : [line];
  });
}

/** "#12 claimed by claude-brief-12 5m ago"; a brief outside the listed dispatches is looked up by its id. */
async function claimLines(target: Target, claims: readonly Claim[], dispatches: readonly Dispatch[], now = Date.now()): Promise<string[]> {
  const numbers = new Map(dispatches.map((d) => [d.briefId, d.briefNumber]));
  const others = await relatedBriefs(target, claims.map((c) => c.briefId).filter((id) => !numbers.has(id)));
  for (const [id, b] of others) numbers.set(id, b.number);
  return claims.map((c) => {
    const n = numbers.get(c.briefId);
    return `  ${n !== undefined ? `#${n}` : c.briefId} claimed by ${c.agentName} ${ago(c.since, now)}${c.dispatchId ? '' : ' (not dispatched by Grove)'}`;
  });
}

function short(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
