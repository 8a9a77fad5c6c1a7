import { resolve } from 'node:path';
import type { AgentInfo, PresetId } from '../../shared/agents';
import { AgentRole, PresetId as PresetIdSchema } from '../../shared/agents';
import { HostConnection } from '../../shared/client/host-connection';
import { decodeOutputFrame } from '../../shared/terminal-frames';
import type { JumpFrame } from '../../shared/wire';
import { callHost } from '../../host-client/call-host';
import { requireHost } from '../require-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, say } from '../lane-target';
import type { ParamsOf } from '../../shared/methods';
import { isWholeNumber, parseCommand, parseOptions } from '../parse-command';
import { usageError } from '../usage';
import { parseHostFrame } from '../../shared/client/parse-host-frame';
import { formatBytes } from '../../shared/byte-size';
import { describeConfinement, knownConfinement } from '../../shared/confinement-words';
import { provenSocket } from '../../host-client/proven-socket';

/**
 * `grove agent start|list|send|tail|stop|resume|restart|remove`: agents from the terminal, through the same API as
 * the UI. An agent is named by its id, a unique prefix of it, or its name.
 */
export const AGENT_USAGE = `Usage:
  grove agent start --lane PATH --preset claude|codex|shell|custom [--command CMD] [--name NAME]
                    [--role worker|orchestrator] [--restart never|on-failure|always] [--auto-resume] [--ops-loop] [--unconfined] [-- ARGS...]
                    or, for a custom command: --lane PATH [--name NAME] [--restart …] [--unconfined] -- CMD [ARGS...]
                    --unconfined: run outside the lane's confinement (it can write anywhere you can, MAIN included)
  grove agent list [--json]
  grove agent send AGENT TEXT [--no-enter]
  grove agent tail AGENT [--since OFFSET] [--follow] [--screen]
  grove agent stop AGENT
  grove agent resume AGENT
  grove agent restart AGENT
  grove agent remove AGENT`;

/** Verbs that take exactly one AGENT and call one method with its id. */
const ONE_AGENT_VERBS = {
  stop: { method: 'agents.stop', timeoutMs: 60_000 },
  resume: { method: 'agents.resume', timeoutMs: 30_000 },
  restart: { method: 'agents.restart', timeoutMs: 60_000 },
  remove: { method: 'agents.remove', timeoutMs: 30_000 },
} as const;

type Target = { url: string; token: string };

export async function agentCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  if (verb === undefined) return usageError(ctx, AGENT_USAGE, ['agent'], 'Name what to do: start, list, send, tail, stop, resume, restart or remove.');
  if (verb !== 'start' && verb !== 'list' && verb !== 'send' && verb !== 'tail' && !Object.hasOwn(ONE_AGENT_VERBS, verb)) {
    return usageError(ctx, AGENT_USAGE, ['agent'], `Unknown agent command ${JSON.stringify(verb)}.`);
  }
  // The line is checked before the host is looked for: a usage error is exit 2 with or without one.
  let one: (typeof ONE_AGENT_VERBS)[keyof typeof ONE_AGENT_VERBS] | null = null;
  /** The agent a one-agent verb names, as parsed (`-- NAME` passes a name that starts with -). */
  let named = '';
  if (Object.hasOwn(ONE_AGENT_VERBS, verb)) {
    const parsed = parseCommand(rest, {}, ['AGENT (its id, an id prefix or its name)']);
    if (!parsed.ok) return usageError(ctx, AGENT_USAGE, ['agent', verb], parsed.message);
    one = ONE_AGENT_VERBS[verb as keyof typeof ONE_AGENT_VERBS];
    named = parsed.positionals[0]!;
  }
  if (verb === 'list') {
    const parsed = parseCommand(rest, {}, []);
    if (!parsed.ok) return usageError(ctx, AGENT_USAGE, ['agent', 'list'], parsed.message);
  }
  const startWith = verb === 'start' ? startParams(ctx, rest) : null;
  if (typeof startWith === 'number') return startWith;
  const sendWith = verb === 'send' ? sendLine(rest) : null;
  if (typeof sendWith === 'string') return usageError(ctx, AGENT_USAGE, ['agent', 'send'], sendWith);
  const tailWith = verb === 'tail' ? tailLine(rest) : null;
  if (typeof tailWith === 'string') return usageError(ctx, AGENT_USAGE, ['agent', 'tail'], tailWith);
  // The output is the terminal's raw bytes, no JSON document: said, rather than bytes where a script expects JSON.
  if (tailWith && !tailWith.screen && ctx.json) return usageError(ctx, AGENT_USAGE, ['agent', 'tail'], 'agent tail prints the terminal\'s raw bytes; --json goes with --screen (the screen as text). A script reads the bytes with the API\'s agents.output.');
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const { target } = host;
  switch (verb) {
    case 'start':
      return start(ctx, target, startWith!);
    case 'list':
      return list(ctx, target);
    case 'send':
      return send(ctx, target, sendWith!);
    case 'tail':
      return tail(ctx, target, tailWith!);
    default: {
      const agent = await resolveAgent(ctx, target, named);
      if (typeof agent === 'number') return agent;
      const r = await callHost(target, one!.method, { id: agent.id }, one!.timeoutMs);
      if (!r.ok) return fail(ctx, r.error);
      if ('removed' in r.value) {
        if (ctx.json) ctx.out(JSON.stringify({ ok: true, removed: true, id: agent.id }));
        else ctx.out(`Removed ${agent.name} and its scrollback.`);
        return ExitCode.ok;
      }
      const after = r.value.agent;
      if (ctx.json) ctx.out(JSON.stringify(verb === 'stop' ? { agent: after } : { ok: true, agent: after }));
      else if (verb === 'stop') ctx.out(`Stopped ${agent.name} (${after.supervision.kind}).`);
      else ctx.out(`${verb === 'resume' ? 'Resumed' : 'Restarted'} ${after.name} (${after.supervision.kind}) in ${after.lanePath}.`);
      return ExitCode.ok;
    }
  }
}

/** The agent `ref` names, or the exit code after saying why there is none (the host's own when it failed). */
async function resolveAgent(ctx: CliContext, target: Target, ref: string): Promise<AgentInfo | number> {
  const listed = await callHost(target, 'agents.list', {});
  if (!listed.ok) return fail(ctx, listed.error);
  const matches = listed.value.agents.filter((a) => a.id === ref || a.name === ref || a.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  say(ctx, { code: 'agent_unknown', message: matches.length === 0 ? `No agent "${ref}". See \`grove agent list\`.` : `"${ref}" matches ${matches.length} agents; give more of the id.` });
  return ExitCode.failed;
}

const value = { type: 'string' } as const;
const flag = { type: 'boolean' } as const;
const START_OPTIONS = { lane: value, preset: value, command: value, name: value, restart: value, role: value, 'auto-resume': flag, 'ops-loop': flag, unconfined: flag };

/** `agent start`'s line, checked before the host is looked for: the agents.start params, or the exit code of a usage error. */
function startParams(ctx: CliContext, args: string[]): ParamsOf<'agents.start'> | number {
  const dash = args.indexOf('--');
  const own = dash >= 0 ? args.slice(0, dash) : args;
  const extra = dash >= 0 ? args.slice(dash + 1) : [];
  const parsed = parseOptions(own, START_OPTIONS);
  if (!parsed.ok) return usageError(ctx, AGENT_USAGE, ['agent', 'start'], parsed.message);
  if (parsed.positionals.length > 0) {
    return usageError(ctx, AGENT_USAGE, ['agent', 'start'], `Unexpected argument ${JSON.stringify(parsed.positionals[0])}: a program and its arguments go after -- (-- CMD ARGS).`);
  }
  const opts: Record<string, string | boolean | undefined> = { ...parsed.values };
  // Without --preset (or with --preset custom) and no --command, what follows `--` is the
  // program itself: a custom agent, as `grove dispatch` takes it.
  const custom = (opts.preset === undefined || opts.preset === 'custom') && opts.command === undefined && extra.length > 0;
  if (custom) {
    opts.preset = 'custom';
    opts.command = extra.shift()!;
  }
  const preset = PresetIdSchema.safeParse(opts.preset);
  if (typeof opts.lane !== 'string') return usageError(ctx, AGENT_USAGE, ['agent', 'start'], '--lane PATH is missing: the lane (worktree) the agent runs in.');
  if (!preset.success) {
    return usageError(
      ctx,
      AGENT_USAGE,
      ['agent', 'start'],
      opts.preset === undefined ? '--preset is missing: claude, codex, shell or custom, or give the program after `--` (-- CMD ARGS).' : `--preset takes claude, codex, shell or custom, not ${JSON.stringify(opts.preset)}.`,
    );
  }
  if (preset.data === 'custom' && opts.command === undefined && extra.length === 0) {
    return usageError(ctx, AGENT_USAGE, ['agent', 'start'], '--preset custom needs its program: --command PROG, or -- PROG ARGS.');
  }
  if (opts.restart !== undefined && !['never', 'on-failure', 'always'].includes(String(opts.restart))) {
    return usageError(ctx, AGENT_USAGE, ['agent', 'start'], `--restart takes never, on-failure or always, not ${JSON.stringify(opts.restart)}.`);
  }
  // The role decides the agent's MCP tools: an orchestrator may also create and dispatch briefs and ask for merges.
  const role = opts.role === undefined ? null : AgentRole.safeParse(opts.role);
  if (role && !role.success) return usageError(ctx, AGENT_USAGE, ['agent', 'start'], `--role takes worker or orchestrator, not ${JSON.stringify(opts.role)}.`);
  return {
    lanePath: resolve(opts.lane),
    preset: preset.data as PresetId,
    ...(typeof opts.command === 'string' ? { command: opts.command } : {}),
    ...(typeof opts.name === 'string' ? { name: opts.name } : {}),
    ...(typeof opts.restart === 'string' ? { restart: opts.restart as 'never' | 'on-failure' | 'always' } : {}),
    ...(opts['auto-resume'] ? { autoResume: true } : {}),
    ...(opts['ops-loop'] ? { isOpsLoop: true } : {}),
    ...(role?.success ? { role: role.data } : {}),
    ...(opts.unconfined ? { unconfined: true } : {}),
    ...(extra.length ? { args: extra } : {}),
  };
}

async function start(ctx: CliContext, target: Target, params: ParamsOf<'agents.start'>): Promise<number> {
  const r = await callHost(target, 'agents.start', params);
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, agent: r.value.agent }));
  else {
    // How it runs is said at once: an agent that could not be confined is never silent.
    const how = knownConfinement(r.value.agent);
    ctx.out(`Started ${r.value.agent.name} (${r.value.agent.id}) in ${r.value.agent.lanePath}${how ? `, ${describeConfinement(how)}` : ''}.`);
  }
  return ExitCode.ok;
}

async function list(ctx: CliContext, target: Target): Promise<number> {
  const r = await callHost(target, 'agents.list', {});
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) {
    ctx.out(JSON.stringify({ agents: r.value.agents }));
    return ExitCode.ok;
  }
  if (r.value.agents.length === 0) {
    ctx.out('No agents. Start one: grove agent start --lane PATH --preset claude');
    return ExitCode.ok;
  }
  for (const a of r.value.agents) {
    const state = a.supervision.kind === 'running' ? `${a.activity.state}${a.activity.signal ? ` (${a.activity.signal})` : ''}` : a.supervision.kind;
    const context = a.context ? `  ${Math.round((a.context.tokens / a.context.window) * 100)}% context` : '';
    const how = knownConfinement(a);
    ctx.out(`${a.id.slice(0, 8)}  ${a.name.padEnd(14)} ${state.padEnd(18)} ${a.lanePath}${context}${how ? `  ${describeConfinement(how, a.ceiling)}` : ''}`);
  }
  return ExitCode.ok;
}

type SendLine = { ref: string; text: string; noEnter: boolean };

/** `agent send`'s line, checked before the host is looked for: what to send, or why the line is wrong. */
function sendLine(args: string[]): SendLine | string {
  const parsed = parseCommand(args, { 'no-enter': { type: 'boolean' } }, ['AGENT', 'TEXT'], { rest: true });
  if (!parsed.ok) return parsed.message;
  const [ref, text, ...more] = parsed.positionals;
  // Typed as given: the words of several arguments would be joined with guessed spaces.
  if (more.length) return `Quote the text as one argument (got ${more.length + 1} words).`;
  return { ref: ref!, text: text!, noEnter: parsed.values['no-enter'] === true };
}

async function send(ctx: CliContext, target: Target, { ref, text, noEnter }: SendLine): Promise<number> {
  const agent = await resolveAgent(ctx, target, ref);
  if (typeof agent === 'number') return agent;
  // Like typing the line: the text, then Enter (a carriage return, as a terminal sends it).
  const r = await callHost(target, 'agents.input', { id: agent.id, data: noEnter ? text : text + '\r' });
  if (!r.ok) return fail(ctx, r.error);
  // Silent otherwise, as typing is; a script asking for JSON gets its one document.
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, id: agent.id, sent: true }));
  return ExitCode.ok;
}

type TailLine = { ref: string; screen: true } | { ref: string; screen: false; follow: boolean; since: number | undefined };

/** `agent tail`'s line, checked before the host is looked for: what to show, or why the line is wrong. */
function tailLine(args: string[]): TailLine | string {
  const parsed = parseCommand(args, { follow: { type: 'boolean', short: 'f' }, since: { type: 'string' }, screen: { type: 'boolean' } }, ['AGENT (its id, an id prefix or its name)']);
  if (!parsed.ok) return parsed.message;
  const { follow, since, screen } = parsed.values;
  const ref = parsed.positionals[0]!;
  if (screen) return follow || since !== undefined ? '--screen takes no other option: it prints the screen as it is now.' : { ref, screen: true };
  if (since !== undefined && !isWholeNumber(since)) return '--since takes a byte offset (a whole number from 0).';
  return { ref, screen: false, follow: follow === true, since: since === undefined ? undefined : Number(since) };
}

async function tail(ctx: CliContext, target: Target, line: TailLine): Promise<number> {
  if (line.screen) return screen(ctx, target, line.ref);
  const { follow, since } = line;
  const agent = await resolveAgent(ctx, target, line.ref);
  if (typeof agent === 'number') return agent;
  if (!follow) {
    let at = since ?? 0;
    for (;;) {
      const r = await callHost(target, 'agents.output', { id: agent.id, since: at, limit: 1024 * 1024 });
      if (!r.ok) return fail(ctx, r.error);
      if (r.value.gap && at === since) ctx.errOut(`(output before offset ${r.value.from} is no longer kept)`);
      await writeOut(Buffer.from(r.value.data, 'base64'));
      if (r.value.end >= agent.outputEnd || r.value.end === r.value.from) return ExitCode.ok;
      at = r.value.end;
    }
  }
  return followOutput(ctx, target, agent, since);
}

/** `tail --screen`: the screen as a terminal of the agent's size shows it now, as text. */
async function screen(ctx: CliContext, target: Target, ref: string): Promise<number> {
  const agent = await resolveAgent(ctx, target, ref);
  if (typeof agent === 'number') return agent;
  const r = await callHost(target, 'agents.screen', { id: agent.id }, 30_000);
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ screen: r.value }));
  else ctx.out(r.value.text);
  return ExitCode.ok;
}

function writeOut(data: Uint8Array): Promise<void> {
  return new Promise((r) => (data.length ? process.stdout.write(data, () => r()) : r()));
}

/** The one stderr line a jump is told by: what was skipped, or that the log ends before what was written. */
export function jumpLine(agentName: string, jump: JumpFrame): string {
  if (jump.reason === 'ahead') {
    return `[grove] ${agentName}'s output log ends at offset ${jump.toOffset}, before offset ${jump.fromOffset} written here: the host lost its last bytes (a crash before they reached the disk) or --since named a point past the end; going on from the log's end`;
  }
  return `[grove] skipped ${formatBytes(jump.skippedBytes)} of ${agentName}'s output (offsets ${jump.fromOffset}-${jump.toOffset}): no longer kept; this client fell that far behind`;
}

/**
 * Streams the agent's output until Ctrl-C, acknowledging what was written (flow control).
 * It never jumps ahead to keep up: it writes to a pipe or a file as often as to a screen,
 * and whatever reads it (grep, a log) wants every byte, at the pace it reads. It is sent no
 * faster than stdout takes the bytes, and the agent never waits for it. Only when it is so
 * far behind that the bytes it needs next have left the agent's log does it skip to the
 * oldest byte kept, saying so on stderr (one line) so the gap is never silent.
 */
function followOutput(ctx: CliContext, target: Target, agent: AgentInfo, since: number | undefined): Promise<number> {
  return new Promise((resolveExit) => {
    let next = since;
    const conn = new HostConnection({ parseFrame: parseHostFrame,
      subscribe: false,
      connect: () => provenSocket(target),
      onBinary: (data) => {
        const frame = decodeOutputFrame(new Uint8Array(data as Buffer));
        if (!frame || frame.agentId !== agent.id) return;
        const end = frame.offset + frame.data.length;
        // `next` moves as soon as bytes are handed to stdout, so a re-attach never repeats them.
        // What it already has is acknowledged all the same, or the host's credit for it (and
        // any jump, which waits for every sent byte to be acknowledged) never comes back.
        if (next !== undefined && end <= next) return conn.sendFrame({ kind: 'ack', agentId: agent.id, offset: end });
        const bytes = next !== undefined && frame.offset < next ? frame.data.subarray(next - frame.offset) : frame.data;
        next = end;
        void writeOut(bytes).then(() => conn.sendFrame({ kind: 'ack', agentId: agent.id, offset: end }));
      },
    });
    conn.onState((s) => {
      if (s.kind === 'open') void conn.call('agents.attach', { id: agent.id, ...(next !== undefined ? { since: next } : {}) });
    });
    conn.onDetached(() => void conn.call('agents.attach', { id: agent.id, ...(next !== undefined ? { since: next } : {}) }));
    conn.onJump((jump) => {
      if (jump.agentId !== agent.id) return;
      next = jump.toOffset;
      // A jump that skips nothing only restores a terminal's modes: a tail has none to restore.
      if (jump.reason !== 'ahead' && jump.skippedBytes === 0) return;
      ctx.errOut(jumpLine(agent.name, jump));
    });
    process.once('SIGINT', () => {
      conn.stop();
      resolveExit(ExitCode.ok);
    });
    conn.start();
  });
}
