import { callHost } from '../../host-client/call-host';
import { isPaused, MAX_ESCALATE_AFTER_MINUTES, PAUSED_INDEFINITELY, type NotificationSettings } from '../../shared/notifications';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { clock } from '../health-lines';
import { fail } from '../lane-target';
import { flagProblem, limitOption, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';

const USAGE = `Usage:
  grove notifications [--limit N] [--json]   the latest notifications (quiet ones marked)
  grove notifications pause [--for 30m|2h|1d]  quiet until then (default: until resumed)
  grove notifications resume
  grove notifications escalate --after 10m|off   notify once more about an agent still waiting after that long`;

/** "30m", "2h", "1d", "45" (minutes) → minutes; null if it is none of those. */
export function parseMinutes(text: string): number | null {
  const m = /^(\d+)\s*(m|min|h|d)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === 'h' ? 60 : m[2] === 'd' ? 24 * 60 : 1);
  return n >= 1 && n <= 7 * 24 * 60 ? n : null;
}

/** "off" or "0" → 0; otherwise a duration as parseMinutes reads it, up to a day; null if neither. */
export function parseEscalation(text: string): number | null {
  if (/^(off|0)$/i.test(text.trim())) return 0;
  const n = parseMinutes(text);
  return n !== null && n <= MAX_ESCALATE_AFTER_MINUTES ? n : null;
}

function describe(s: NotificationSettings): string {
  const state =
    !s.pausedUntil || !isPaused(s, new Date())
      ? 'Notifications are on.'
      : s.pausedUntil === PAUSED_INDEFINITELY
        ? 'Notifications are paused until resumed (grove notifications resume).'
        : `Notifications are paused until ${clock(s.pausedUntil)}.`;
  const escalation =
    s.escalateAfterMinutes === 0
      ? 'An agent that keeps waiting is not notified again (grove notifications escalate --after 10m).'
      : `An agent still waiting after ${s.escalateAfterMinutes} min is notified once more.`;
  return `${state}\n${escalation}`;
}

export async function notificationsCommand(ctx: CliContext, args: string[]): Promise<number> {
  const verb = args[0] === 'pause' || args[0] === 'resume' || args[0] === 'escalate' ? args[0] : 'list';
  const rest = verb === 'list' ? args : args.slice(1);
  const valueFlags = verb === 'pause' ? ['--for'] : verb === 'list' ? ['--limit'] : verb === 'escalate' ? ['--after'] : [];
  const flags = parseFlags(rest, valueFlags, []);
  // The usage form of this verb alone (`list` is the bare command's).
  const words = verb === 'list' ? ['notifications', '[--limit'] : ['notifications', verb];
  if (!flags || flags.positional.length) {
    return usageError(ctx, USAGE, words, flags ? `Unexpected argument ${JSON.stringify(flags.positional[0])}.` : flagProblem(rest, valueFlags));
  }
  if (verb === 'escalate') {
    const after = flags.values.after === undefined ? null : parseEscalation(flags.values.after);
    if (after === null) return usageError(ctx, USAGE, ['notifications', 'escalate'], `--after takes a wait such as 10m or 1h (at most a day), or off, not ${flags.values.after ?? 'nothing'}.`);
    const host = await requireHost(ctx);
    if (!host.ok) return host.code;
    const r = await callHost(host.target, 'notifications.configure', { escalateAfterMinutes: after });
    if (!r.ok) return fail(ctx, r.error);
    ctx.out(ctx.json ? JSON.stringify(r.value) : describe(r.value.settings));
    return ExitCode.ok;
  }
  let minutes: number | undefined;
  if (flags.values.for !== undefined) {
    const parsed = parseMinutes(flags.values.for);
    if (parsed === null) return usageError(ctx, USAGE, ['notifications', verb], `--for takes a duration such as 30m, 2h or 1d (at most 7 days), not ${flags.values.for}.`);
    minutes = parsed;
  }
  const limit = limitOption(flags.values.limit, 500);
  if (typeof limit === 'string') return usageError(ctx, USAGE, words, limit);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  if (verb !== 'list') {
    const r = verb === 'pause' ? await callHost(host.target, 'notifications.pause', minutes ? { minutes } : {}) : await callHost(host.target, 'notifications.resume', {});
    if (!r.ok) return fail(ctx, r.error);
    ctx.out(ctx.json ? JSON.stringify(r.value) : describe(r.value.settings));
    return ExitCode.ok;
  }
  const r = await callHost(host.target, 'notifications.list', { limit });
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) {
    ctx.out(JSON.stringify(r.value));
    return ExitCode.ok;
  }
  ctx.out(describe(r.value.settings));
  for (const n of r.value.notifications) {
    ctx.out(`${clock(n.at)}  ${n.severity.padEnd(8)} ${n.title}${n.quiet ? ` (quiet: ${n.quiet})` : ''}\n    ${n.body}`);
  }
  return ExitCode.ok;
}
