import { resolve } from 'node:path';
import { callHost } from '../../host-client/call-host';
import { requireHost } from '../require-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail, parseFlags, pickRepo } from '../lane-target';
import { parseCommand } from '../parse-command';
import { usageError } from '../usage';

/** `grove repo add|list|config|guard|main|accept-main|remove`. */
export async function repoCommand(ctx: CliContext, args: string[]): Promise<number> {
  if (args[0] === 'remove') return removeRepo(ctx, args.slice(1));
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const { target } = host;
  const [verb, ...rest] = args;
  if (verb === 'add' && rest.length === 1) {
    const added = await callHost(target, 'repos.add', { path: resolve(rest[0]!) });
    if (!added.ok) {
      if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: added.error }));
      else ctx.errOut(added.error.message);
      return added.error.code === 'unreachable' ? ExitCode.unreachable : ExitCode.failed;
    }
    if (ctx.json) ctx.out(JSON.stringify({ ok: true, repo: added.value.repo }));
    else ctx.out(`Registered ${added.value.repo.name}: MAIN is ${added.value.repo.mainPath}`);
    return ExitCode.ok;
  }
  if (verb === 'list' && rest.length === 0) {
    const listed = await callHost(target, 'repos.list', {});
    if (!listed.ok) {
      ctx.errOut(listed.error.message);
      return ExitCode.unreachable;
    }
    if (ctx.json) ctx.out(JSON.stringify({ repos: listed.value.repos }));
    else if (listed.value.repos.length === 0) ctx.out('No repositories yet. Register one: grove repo add PATH');
    else for (const r of listed.value.repos) ctx.out(`${r.name}\t${r.mainPath}`);
    return ExitCode.ok;
  }
  const flags = parseFlags(rest, ['--repo'], []);
  const known = { config: 0, guard: 1, main: 0, 'accept-main': 0 } as Record<string, number>;
  if (verb && flags && known[verb] === flags.positional.length && (verb !== 'guard' || ['on', 'off'].includes(flags.positional[0]!))) {
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
        ? await callHost(target, 'repos.guard', { repoId: repo.id, preCommit: flags.positional[0] === 'on' }, 30_000)
        : verb === 'accept-main'
          ? await callHost(target, 'repos.acceptMain', { repoId: repo.id }, 30_000)
          : await callHost(target, 'repos.mainState', { repoId: repo.id }, 30_000);
    if (!r.ok) return fail(ctx, r.error);
    const s = r.value.state;
    if (ctx.json) ctx.out(JSON.stringify({ state: s }));
    else {
      ctx.out(`MAIN ${repo.mainPath} on ${s.branch ?? '(detached)'} at ${s.head?.slice(0, 12) ?? '(no commit)'}; pre-commit guard ${s.preCommitGuard ? 'on' : 'off'}`);
      ctx.out(s.dirty.length ? `uncommitted edits: ${s.dirty.join(', ')}` : 'no uncommitted edits');
      if (s.unexpectedCommits.length) {
        ctx.out(`${s.unexpectedCommits.length} commit(s) did not come through Grove (accept them with grove repo accept-main):`);
        for (const c of s.unexpectedCommits) ctx.out(`  ${c.sha.slice(0, 10)} ${c.subject}`);
      }
    }
    return ExitCode.ok;
  }
  if (verb === undefined) return usageError(ctx, REPO_USAGE, ['repo'], 'Name what to do: add, list, config, guard, main, accept-main or remove.');
  const verbs = ['add', 'list', 'config', 'guard', 'main', 'accept-main'];
  if (!verbs.includes(verb)) return usageError(ctx, REPO_USAGE, ['repo'], `Unknown repo command ${JSON.stringify(verb)}.`);
  const what = verb === 'add' && rest.length === 0 ? 'PATH is missing.' : verb === 'guard' && !['on', 'off'].includes(rest[0] ?? '') ? 'on or off is missing.' : `Wrong arguments for repo ${verb}: ${rest.join(' ') || '(none)'}.`;
  return usageError(ctx, REPO_USAGE, ['repo', verb], what);
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
  grove repo add PATH
  grove repo list [--json]
  grove repo config [--repo REPO] [--json]
  grove repo guard on|off [--repo REPO]
  grove repo main [--repo REPO] [--json]
  grove repo accept-main [--repo REPO]
  grove repo remove NAME [--json]`;
