import { callHost } from '../../host-client/call-host';
import type { MainHealth } from '../../shared/health';
import type { Repo } from '../../shared/repo';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { clock, healthSignature, healthSummary } from '../health-lines';
import { fail, pickRepo } from '../lane-target';
import { flagProblem, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';
import { watchEvents } from '../watch-events';

const USAGE = `Usage:
  grove health [--repo R] [--json]         each repository's MAIN health (exit 1 if any MAIN is broken or its grove.yaml invalid)
  grove health watch [--repo R] [--json]   print MAIN's health now, then every change, until Ctrl-C`;

/** `grove health` and `grove health watch`. */
export async function healthCommand(ctx: CliContext, args: string[]): Promise<number> {
  const watch = args[0] === 'watch';
  const flags = parseFlags(watch ? args.slice(1) : args, ['--repo'], []);
  if (!flags || flags.positional.length) {
    const words = watch ? ['health', 'watch'] : ['health', '[--repo'];
    return usageError(ctx, USAGE, words, flags ? `Unexpected argument ${JSON.stringify(flags.positional[0])}.` : flagProblem(watch ? args.slice(1) : args, ['--repo']));
  }
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  let only: Repo | null = null;
  if (flags.values.repo !== undefined) {
    only = await pickRepo(ctx, host.target, flags.values.repo);
    if (!only) return ExitCode.failed;
  }
  // Watching follows the events after the seq read BEFORE the state: a change between the
  // two reads is then told (again, at worst), never lost.
  const status = watch ? await callHost(host.target, 'host.status', {}) : null;
  if (status && !status.ok) return fail(ctx, status.error);
  const [health, repos] = await Promise.all([callHost(host.target, 'health.get', only ? { repoId: only.id } : {}), callHost(host.target, 'repos.list', {})]);
  if (!health.ok) return fail(ctx, health.error);
  if (!repos.ok) return fail(ctx, repos.error);
  const names = new Map(repos.value.repos.map((r) => [r.id, r.name]));
  const nameOf = (id: string): string => names.get(id) ?? id;

  if (!watch) {
    // An invalid grove.yaml is as much a failure as a broken MAIN: its probes may not be running.
    const broken = health.value.repos.some((r) => r.health.state === 'broken' || (r.health.configProblems?.length ?? 0) > 0);
    if (ctx.json) {
      ctx.out(JSON.stringify(health.value));
      return broken ? ExitCode.failed : ExitCode.ok;
    }
    if (health.value.repos.length === 0) ctx.out('No repositories yet. Register one: grove repo add PATH');
    for (const { repoId, health: h } of health.value.repos) {
      ctx.out(`${nameOf(repoId)}: ${healthSummary(h)}`);
      for (const p of h.probes) ctx.out(`  ${p.state.padEnd(8)} ${p.name.padEnd(16)} ${p.last ? `${p.last.detail} at ${p.last.at}` : 'not run yet'}`);
    }
    return broken ? ExitCode.failed : ExitCode.ok;
  }

  // watch: the current state first, then a line per change a person cares about.
  if (!status?.ok) return ExitCode.failed; // read above whenever watching
  const seen = new Map<string, string>();
  const show = (repoId: string, h: MainHealth, at: string): void => {
    const signature = healthSignature(h);
    if (seen.get(repoId) === signature) return;
    seen.set(repoId, signature);
    if (ctx.json) ctx.out(JSON.stringify({ at, event: { type: 'health.updated', repoId, health: h } }));
    else ctx.out(`${clock(at)}  ${nameOf(repoId)}: ${healthSummary(h)}`);
  };
  const now = new Date().toISOString();
  for (const { repoId, health: h } of health.value.repos) show(repoId, h, now);
  return watchEvents(host.target, status.value.latestEventSeq, {
    event: ({ at, event, seq }) => {
      if (event.type === 'repo.added') names.set(event.repo.id, event.repo.name);
      if (event.type === 'health.updated' && (!only || event.repoId === only.id)) show(event.repoId, event.health, at);
      if (event.type === 'incident.updated' && (!only || event.incident.repoId === only.id)) {
        const i = event.incident;
        const key = `incident:${i.id}`;
        const phase = i.closedAt ? 'closed' : 'open';
        if (seen.get(key) === phase) return;
        seen.set(key, phase);
        if (ctx.json) ctx.out(JSON.stringify({ seq, at, event }));
        else if (i.closedAt) ctx.out(`${clock(at)}  ${nameOf(i.repoId)}: incident ${i.id} closed: ${i.recovery?.how ?? 'recovered'}`);
        else ctx.out(`${clock(at)}  ${nameOf(i.repoId)}: incident ${i.id} opened: ${i.probes.map((p) => `${p.name}: ${p.detail}`).join('; ')} (grove incidents for what reached MAIN)`);
      }
    },
    state: (s) => {
      if (s.kind === 'waiting') ctx.errOut(`host unreachable (${s.reason}); retrying in ${Math.round(s.retryInMs / 1000)} s`);
      if (s.kind === 'incompatible') ctx.errOut(`the host speaks protocol ${s.hostProtocolVersion}, this grove another; upgrade one of them`);
    },
  });
}
