import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { callHost } from '../../host-client/call-host';
import { callWithProgress } from '../call-with-progress';
import { requireHost } from '../require-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, pickRepo, type Target } from '../lane-target';
import { parseCommand, flagProblem, parseFlags } from '../parse-command';
import { usageError } from '../usage';
import type { Repo } from '../../shared/repo';
import type { RepoCommands } from '../../shared/trust';
import { trustLines, trustWords } from '../trust-lines';
import { count } from '../../shared/plural';

const REPO_VERBS = ['add', 'trust', 'list', 'config', 'guard', 'main', 'accept-main'];

/** `grove repo add|trust|list|config|guard|main|accept-main|remove`. */
export async function repoCommand(ctx: CliContext, args: string[]): Promise<number> {
  if (args[0] === 'remove') return removeRepo(ctx, args.slice(1));
  // A command line that cannot be right is said so first (exit 2), host or no host.
  if (args[0] === undefined) return usageError(ctx, REPO_USAGE, ['repo'], 'Name what to do: add, trust, list, config, guard, main, accept-main or remove.');
  if (!REPO_VERBS.includes(args[0])) return usageError(ctx, REPO_USAGE, ['repo'], `Unknown repo command ${JSON.stringify(args[0])}.`);
  // Each form looks for the host once its own line is checked: a wrong line is exit 2, host or no host.
  const [verb, ...rest] = args;
  const addFlags = verb === 'add' ? parseFlags(rest, [], ['--trust']) : null;
  if (verb === 'add' && addFlags?.positional.length === 1) {
    const host = await requireHost(ctx);
    if (!host.ok) return host.code;
    const { target } = host;
    const added = await callHost(target, 'repos.add', { path: resolve(addFlags.positional[0]!) });
    if (!added.ok) {
      if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: added.error }));
      else ctx.errOut(added.error.message);
      return added.error.code === 'unreachable' ? ExitCode.unreachable : ExitCode.failed;
    }
    const repo = added.value.repo;
    if (addFlags.switches.has('--trust')) {
      // For scripts: trusting is still explicit (the flag), and what was trusted is printed.
      const trusted = await trustRepo(ctx, target, repo, 'given');
      if (!trusted) {
        // Registered all the same: running the same line again would be refused as a repository already added.
        if (!ctx.json) ctx.errOut(`${repo.name} is registered, untrusted (MAIN is ${repo.mainPath}): fix what is said above, then grove repo trust ${repo.name}`);
        return ExitCode.failed;
      }
      if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo: trusted.repo, commands: trusted.commands }));
      else ctx.out(`Registered ${repo.name}: MAIN is ${repo.mainPath}; its commands are trusted.`);
      return ExitCode.ok;
    }
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo }));
    else {
      ctx.out(`Registered ${repo.name}: MAIN is ${repo.mainPath}`);
      ctx.out(`${repo.name} is untrusted: nothing from its grove.yaml runs (probes, setup, gate, serve, ops) until you trust it.`);
      ctx.out(`Review its commands and trust them: grove repo trust ${repo.name}`);
    }
    return ExitCode.ok;
  }
  if (verb === 'trust') {
    const trustFlags = parseFlags(rest, ['--repo'], ['--yes', '--show']);
    if (!trustFlags || trustFlags.positional.length > 1) return usageError(ctx, REPO_USAGE, ['repo', 'trust'], trustFlags ? `Unexpected argument ${JSON.stringify(trustFlags.positional[1])}.` : flagProblem(rest, ['--repo'], ['--yes', '--show']));
    if (trustFlags.switches.has('--yes') && trustFlags.switches.has('--show')) return usageError(ctx, REPO_USAGE, ['repo', 'trust'], '--show trusts nothing and --yes trusts what is shown: give one of them.');
    // Two names for the repository: which one counts would be a guess.
    if (trustFlags.positional[0] !== undefined && trustFlags.values.repo !== undefined) return usageError(ctx, REPO_USAGE, ['repo', 'trust'], `Name the repository once: ${trustFlags.positional[0]} or --repo ${trustFlags.values.repo}.`);
    const host = await requireHost(ctx);
    if (!host.ok) return host.code;
    const { target } = host;
    const repo = await pickRepo(ctx, target, trustFlags.positional[0] ?? trustFlags.values.repo);
    if (!repo) return ExitCode.failed;
    if (trustFlags.switches.has('--show')) {
      // To read before deciding (a review, a script): what would be trusted, and nothing is.
      const shown = await showCommands(ctx, target, repo);
      if (!shown) return ExitCode.failed;
      if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo, commands: shown }));
      else ctx.out(repo.trusted ? `${repo.name}'s commands are trusted as shown.` : `Shown only: nothing was trusted. To trust exactly these: grove repo trust ${repo.name}`);
      return ExitCode.ok;
    }
    // Shown first, trusted only once the operator says so: run to see what changed, it must
    // not trust the change it shows. In a terminal it asks; elsewhere --yes is the answer.
    const trusted = await trustRepo(ctx, target, repo, trustFlags.switches.has('--yes') ? 'given' : process.stdin.isTTY ? 'ask' : 'absent');
    if (!trusted) return ExitCode.failed;
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo: trusted.repo, commands: trusted.commands }));
    else ctx.out(`Trusted ${repo.name}'s commands; Grove runs them from now on, until they change.`);
    return ExitCode.ok;
  }
  if (verb === 'list' && rest.length === 0) {
    const host = await requireHost(ctx);
    if (!host.ok) return host.code;
    const { target } = host;
    const listed = await callHost(target, 'repos.list', {});
    if (!listed.ok) return fail(ctx, listed.error);
    if (ctx.json) ctx.out(JSON.stringify({ repos: listed.value.repos }));
    else if (listed.value.repos.length === 0) ctx.out('No repositories yet. Register one: grove repo add PATH');
    else for (const r of listed.value.repos) ctx.out(`${r.name}\t${r.mainPath}\t${trustWords(r.trust)}${r.trusted ? '' : ` (grove repo trust ${r.name})`}`);
    return ExitCode.ok;
  }
  const flags = parseFlags(rest, ['--repo'], []);
  const known = { config: 0, guard: 1, main: 0, 'accept-main': 0 } as Record<string, number>;
  if (verb && flags && known[verb] === flags.positional.length && (verb !== 'guard' || ['on', 'off'].includes(flags.positional[0]!))) {
    const host = await requireHost(ctx);
    if (!host.ok) return host.code;
    const { target } = host;
    const repo = await pickRepo(ctx, target, flags.values.repo);
    if (!repo) return ExitCode.failed;
    if (verb === 'config') {
      const r = await callHost(target, 'repos.config', { repoId: repo.id });
      if (!r.ok) return fail(ctx, r.error);
      if (ctx.json) ctx.out(JSON.stringify(r.value));
      else {
        for (const f of r.value.files) ctx.out(`${f.role.padEnd(10)} ${f.path}${f.exists ? '' : '  (not present)'}`);
        for (const p of r.value.problems) ctx.errOut(`${p.file}${p.line !== null ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.message}`);
        ctx.out(JSON.stringify(r.value.config, null, 2));
      }
      return r.value.problems.length ? ExitCode.failed : ExitCode.ok;
    }
    const r =
      verb === 'guard'
        ? await callWithProgress(target, 'repos.guard', { repoId: repo.id, preCommit: flags.positional[0] === 'on' }) // waits out a merge's gate
        : verb === 'accept-main'
          ? await callWithProgress(target, 'repos.acceptMain', { repoId: repo.id }) // likewise
          : await callHost(target, 'repos.mainState', { repoId: repo.id }, 30_000);
    if (!r.ok) return fail(ctx, r.error);
    const s = r.value.state;
    if (ctx.json) ctx.out(JSON.stringify({ state: s }));
    else {
      ctx.out(`MAIN ${repo.mainPath} on ${s.branch ?? '(detached)'} at ${s.head?.slice(0, 12) ?? '(no commit)'}; pre-commit guard ${s.preCommitGuard ? 'on' : 'off'}`);
      ctx.out(s.dirty.length ? `uncommitted edits: ${s.dirty.join(', ')}` : 'no uncommitted edits');
      if (s.unexpectedCommits.length) {
        ctx.out(`${count(s.unexpectedCommits.length, 'commit')} did not come through Grove (accept them with grove repo accept-main):`);
        for (const c of s.unexpectedCommits) ctx.out(`  ${c.sha.slice(0, 10)} ${c.subject}`);
      }
    }
    return ExitCode.ok;
  }
  if (verb === undefined) return ExitCode.usage; // said above
  return usageError(ctx, REPO_USAGE, ['repo', verb], wrongLine(verb, rest));
}

/** What is wrong with a `repo` line no form took, in a sentence. */
function wrongLine(verb: string, rest: string[]): string {
  if (verb === 'add' && rest.length === 0) return 'PATH is missing.';
  if (verb === 'guard' && rest[0] === undefined) return 'on or off is missing.';
  if (verb === 'guard' && !['on', 'off'].includes(rest[0]!)) return `repo guard takes on or off, not ${JSON.stringify(rest[0])}.`;
  if (rest.some((a) => a.startsWith('--'))) return verb === 'add' ? flagProblem(rest, [], ['--trust']) : flagProblem(rest, ['--repo']);
  return `Wrong arguments for repo ${verb}: ${rest.join(' ') || '(none)'}.`;
}

/**
 * `grove repo remove NAME`: unregisters the repository (its files stay). The host refuses
 * while a lane holds work, an agent runs in it, or its ops loop runs, and names them.
 */
async function removeRepo(ctx: CliContext, args: string[]): Promise<number> {
  const parsed = parseCommand(args, {}, ['NAME (the repository, as grove repo list shows it)']);
  if (!parsed.ok) return usageError(ctx, REPO_USAGE, ['repo', 'remove'], parsed.message);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const { target } = host;
  const repo = await pickRepo(ctx, target, parsed.positionals[0]);
  if (!repo) return ExitCode.failed;
  const r = await callHost(target, 'repos.remove', { id: repo.id }, 60_000);
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, removed: true, repo }));
  else ctx.out(`Unregistered ${repo.name}; ${repo.mainPath} and its files are untouched.`);
  return ExitCode.ok;
}

export const REPO_USAGE = `Usage:
  grove repo add PATH [--trust]
  grove repo trust [NAME | --repo NAME] [--yes | --show]
  grove repo list [--json]
  grove repo config [--repo REPO] [--json]
  grove repo guard on|off [--repo REPO]
  grove repo main [--repo REPO] [--json]
  grove repo accept-main [--repo REPO]
  grove repo remove NAME [--json]`;

/**
 * Shows every command grove.yaml would run (and the change since they were trusted), then
 * trusts exactly those: the digest shown is the one trusted, so a file changed in between is
 * refused, not trusted unseen. Lines go to stderr with --json, so stdout stays one JSON value.
 */
async function trustRepo(ctx: CliContext, target: Target, repo: Repo, consent: 'given' | 'ask' | 'absent'): Promise<{ repo: Repo; commands: RepoCommands } | null> {
  const shown = await showCommands(ctx, target, repo);
  if (!shown) return null;
  if (consent !== 'given' && !(consent === 'ask' && (await agreed(`Trust exactly these? Grove will run them as you. [y/N] `)))) {
    const how = consent === 'ask' ? 'answer y' : `run it again with --yes (or in a terminal, and answer y)`;
    const error = { code: 'not_trusted', message: `Not trusted: nothing changed, and ${repo.name}'s commands do not run. To trust exactly these, ${how}.` };
    if (ctx.json) ctx.out(JSON.stringify({ ok: false, error }));
    else ctx.errOut(error.message);
    return null;
  }
  const trusted = await callHost(target, 'repos.trust', { repoId: repo.id, digest: shown.digest });
  if (!trusted.ok) {
    fail(ctx, trusted.error);
    return null;
  }
  return trusted.value;
}

/** Prints every command grove.yaml would run, the change since they were trusted and the digest (to stderr with --json). */
async function showCommands(ctx: CliContext, target: Target, repo: Repo): Promise<RepoCommands | null> {
  const shown = await callHost(target, 'repos.commands', { repoId: repo.id });
  if (!shown.ok) {
    fail(ctx, shown.error);
    return null;
  }
  for (const line of trustLines(repo.name, shown.value)) (ctx.json ? ctx.errOut : ctx.out)(line);
  return shown.value;
}

/** A yes from the operator at the terminal; anything else (Enter, Ctrl-D) is a no. */
async function agreed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
