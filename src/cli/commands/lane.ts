import { resolve } from 'node:path';
import { callHost } from '../../host-client/call-host';
import type { Lane, LaneNetwork } from '../../shared/lanes';
import { count } from '../../shared/plural';
import { callWithProgress } from '../call-with-progress';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { usageError } from '../usage';
import { fail, findLane, pickRepo } from '../lane-target';
import { flagProblem, parseFlags } from '../parse-command';
import { requireHost } from '../require-host';

/** `grove lane create|list|remove|adopt|rebase|serve|network`. Long verbs print their job's progress to stderr. */
export const LANE_USAGE = `Usage:
  grove lane create NAME [--branch B] [--ephemeral] [--keyless | --with-keys] [--without-recipes] [--network open|loopback|none] [--repo REPO]
  grove lane list [--repo REPO] [--json]
  grove lane remove NAME [--archive] [--repo REPO]
  grove lane adopt PATH [--name NAME] [--ephemeral] [--repo REPO]
  grove lane rebase NAME [--repo REPO]
  grove lane serve NAME [--off] [--repo REPO]
  grove lane network NAME open|loopback|none|default [--repo REPO]
        loopback: its confined agents reach this machine's loopback (Grove's host, local servers) and nothing beyond;
        none: nothing but Grove's host; default: grove.yaml's lanes.network. From each agent's next start`;

const VALUED = ['--repo', '--branch', '--name', '--network'];
/** What each verb takes, as LANE_USAGE says. */
const VERB_OPTIONS: Record<string, readonly string[]> = {
  create: ['--branch', '--ephemeral', '--keyless', '--with-keys', '--without-recipes', '--network', '--repo'],
  list: ['--repo'],
  remove: ['--archive', '--repo'],
  adopt: ['--name', '--ephemeral', '--repo'],
  rebase: ['--repo'],
  serve: ['--off', '--repo'],
  network: ['--repo'],
};
const SWITCHES = ['--ephemeral', '--archive', '--keyless', '--with-keys', '--off', '--without-recipes'];

/** `open|loopback|none` as given to --network; `default` too for `lane network` (null: the repository's). */
function networkOf(word: string | undefined, allowDefault: boolean): LaneNetwork | null | undefined {
  if (word === 'open' || word === 'loopback' || word === 'none') return word;
  if (allowDefault && word === 'default') return null;
  return undefined;
}

export async function laneCommand(ctx: CliContext, args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const flags = parseFlags(rest, VALUED, SWITCHES);
  const arity: Record<string, number> = { create: 1, list: 0, remove: 1, adopt: 1, rebase: 1, serve: 1, network: 2 };
  if (verb === undefined) return usageError(ctx, LANE_USAGE, ['lane'], 'Name what to do: create, list, remove, adopt, rebase, serve or network.');
  if (arity[verb] === undefined) return usageError(ctx, LANE_USAGE, ['lane'], `Unknown lane command ${JSON.stringify(verb)}.`);
  if (!flags) return usageError(ctx, LANE_USAGE, ['lane', verb], flagProblem(rest, VALUED, SWITCHES));
  if (flags.positional.length < arity[verb]) return usageError(ctx, LANE_USAGE, ['lane', verb], `${verb === 'adopt' ? 'PATH' : flags.positional.length === 0 ? 'NAME' : 'The network (open, loopback, none or default)'} is missing.`);
  if (flags.positional.length > arity[verb]) return usageError(ctx, LANE_USAGE, ['lane', verb], `Unexpected argument ${JSON.stringify(flags.positional[arity[verb]])}.`);
  if (flags.switches.has('--keyless') && flags.switches.has('--with-keys')) return usageError(ctx, LANE_USAGE, ['lane', verb], '--keyless and --with-keys contradict each other; give one.');
  const createNetwork = networkOf(flags.values.network, false);
  if (flags.values.network !== undefined && (verb !== 'create' || createNetwork === undefined)) {
    return usageError(ctx, LANE_USAGE, ['lane', verb], verb === 'create' ? `--network takes open, loopback or none, not ${JSON.stringify(flags.values.network)}.` : '--network is for lane create; to change a lane\'s, use grove lane network NAME open|loopback|none|default.');
  }
  // Each verb takes its own options: one another verb takes is refused, never ignored
  // (`lane adopt ../wt --keyless` would adopt a lane that keeps its keys, saying nothing).
  const foreign = [...flags.switches, ...Object.keys(flags.values).map((k) => `--${k}`)].filter((f) => !VERB_OPTIONS[verb]!.includes(f));
  if (foreign.length) return usageError(ctx, LANE_USAGE, ['lane', verb], `lane ${verb} does not take ${foreign.join(' ')}${VERB_OPTIONS[verb]!.length > 1 ? `; it takes ${VERB_OPTIONS[verb]!.join(', ')}` : ''}.`);
  const laneNetwork = verb === 'network' ? networkOf(flags.positional[1], true) : null;
  if (laneNetwork === undefined) return usageError(ctx, LANE_USAGE, ['lane', verb], `The network is open, loopback, none or default (grove.yaml's lanes.network), not ${JSON.stringify(flags.positional[1])}.`);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const target = host.target;
  const repo = await pickRepo(ctx, target, flags.values.repo);
  if (!repo) return ExitCode.failed;
  const name = flags.positional[0]!;
  const done = (value: object, text: string): number => {
    ctx.out(ctx.json ? JSON.stringify({ ok: true, ...value }) : text);
    return ExitCode.ok;
  };

  if (verb === 'list') {
    const r = await callHost(target, 'lanes.list', { repoId: repo.id });
    if (!r.ok) return fail(ctx, r.error);
    if (ctx.json) ctx.out(JSON.stringify({ lanes: r.value.lanes }));
    else if (r.value.lanes.length === 0) ctx.out(`No lanes in ${repo.name} yet. Create one: grove lane create NAME`);
    else for (const l of r.value.lanes) ctx.out(describeLane(l));
    return ExitCode.ok;
  }
  if (verb === 'create') {
    const keyless = flags.switches.has('--keyless') ? true : flags.switches.has('--with-keys') ? false : undefined;
    const r = await callWithProgress(
      target,
      'lanes.create',
      { repoId: repo.id, name, ...(flags.values.branch ? { branch: flags.values.branch } : {}), ...(flags.switches.has('--ephemeral') ? { ephemeral: true } : {}), ...(keyless !== undefined ? { keyless } : {}), ...(flags.switches.has('--without-recipes') ? { withoutRecipes: true } : {}), ...(createNetwork ? { network: createNetwork } : {}) },
      { repoId: repo.id, laneName: name, kinds: ['lane.create'] },
    );
    if (!r.ok) return fail(ctx, r.error);
    const l = r.value.lane;
    const setup = l.setup === 'failed' ? ' Its setup FAILED (see above); the lane is kept.' : '';
    const network = l.network === 'none' ? ' Its agents reach no network but Grove\'s host.' : l.network === 'loopback' ? ' Its agents reach this machine\'s loopback and nothing beyond.' : '';
    const code = done({ lane: l }, `Created lane ${l.name} on branch ${l.branch} at ${l.path}${l.port !== null ? `, ports ${l.port}-${l.port + 9}` : ''}.${network}${setup}`);
    return l.setup === 'failed' ? ExitCode.failed : code;
  }
  if (verb === 'adopt') {
    const r = await callHost(target, 'lanes.adopt', { repoId: repo.id, path: resolve(name), ...(flags.values.name ? { name: flags.values.name } : {}), ...(flags.switches.has('--ephemeral') ? { ephemeral: true } : {}) });
    if (!r.ok) return fail(ctx, r.error);
    return done({ lane: r.value.lane }, `Adopted ${r.value.lane.path} as lane ${r.value.lane.name}.`);
  }
  const lane = await findLane(ctx, target, repo, name);
  if (!lane) return ExitCode.failed;
  const watch = { repoId: repo.id, laneName: lane.name };
  if (verb === 'remove') {
    const r = await callWithProgress(target, 'lanes.remove', { id: lane.id, ...(flags.switches.has('--archive') ? { archive: true } : {}) }, { ...watch, kinds: ['lane.remove'] });
    if (!r.ok) return fail(ctx, r.error);
    const { archiveRef, keptIgnored } = r.value;
    const ignored = keptIgnored ? ` The ${count(keptIgnored.files.length, 'file')} git ignores ${keptIgnored.files.length === 1 ? 'is' : 'are'} in ${keptIgnored.dir}.` : '';
    return done(r.value, `Removed lane ${lane.name}; branch ${lane.branch ?? '(none)'} kept.${archiveRef ? ` What git tracks or would track is in ${archiveRef}.` : ''}${ignored}`);
  }
  if (verb === 'rebase') {
    const r = await callWithProgress(target, 'lanes.rebase', { id: lane.id }, { ...watch, kinds: ['lane.rebase'] });
    if (!r.ok) return fail(ctx, r.error);
    return done(r.value, `Rebased ${lane.name} onto MAIN (now ${r.value.head.slice(0, 12)}); the previous head is kept in ${r.value.recoveryRef}.`);
  }
  if (verb === 'network') {
    const r = await callHost(target, 'lanes.setNetwork', { id: lane.id, network: laneNetwork });
    if (!r.ok) return fail(ctx, r.error);
    const now = laneNetwork === null ? "the repository's (grove.yaml's lanes.network)" : laneNetwork === 'none' ? "none: nothing but Grove's host" : laneNetwork === 'loopback' ? "loopback: this machine's loopback and nothing beyond" : 'open';
    return done({ lane: r.value.lane }, `${lane.name}'s network is ${now}. Agents running in it keep theirs until they start again.`);
  }
  // serve
  const on = !flags.switches.has('--off');
  const r = await callWithProgress(target, 'lanes.serve', { id: lane.id, on }, { ...watch, kinds: ['lane.serve'] });
  if (!r.ok) return fail(ctx, r.error);
  return done({ lane: r.value.lane }, on ? `${lane.name} is served at ${r.value.lane.served?.url}` : `${lane.name} is no longer served.`);
}

function describeLane(l: Lane): string {
  const state = l.adoptable
    ? 'not Grove’s (adoptable)'
    : [l.status, l.setup === 'failed' ? 'setup failed' : '', l.keyless ? 'key-less' : '', l.network ? `network ${l.network}` : '', l.served ? `served ${l.served.url}` : ''].filter(Boolean).join(', ');
  const ports = l.port !== null ? `:${l.port}` : '';
  return `${l.name.padEnd(16)} ${(l.branch ?? '(detached)').padEnd(20)} ${l.kind.padEnd(9)} ${ports.padEnd(7)} ${state}  ${l.path}`;
}
