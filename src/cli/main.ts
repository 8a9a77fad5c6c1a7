import { cliContext } from './cli-context';
import { agentCommand } from './commands/agent';
import { hookCommand } from './commands/hook';
import { diffCommand } from './commands/diff';
import { healthCommand } from './commands/health';
import { incidentsCommand } from './commands/incidents';
import { notificationsCommand } from './commands/notifications';
import { laneCommand } from './commands/lane';
import { mergeCommand, mergesCommand } from './commands/merge';
import { openCommand } from './commands/open';
import { opsCommand } from './commands/ops';
import { repoCommand } from './commands/repo';
import { statusCommand } from './commands/status';
import { ExitCode } from './exit-codes';

/**
 * The `grove` command. It speaks to the host through the same contract as the UI; only
 * `grove host` runs the host itself (in the foreground), loaded on demand so the other
 * verbs start fast and never load a native addon.
 */
export const USAGE = `Usage: grove <command> [options]

Commands:
  host [--port N] [--allow-host NAME]   run the host in the foreground; prints the UI's URL
  status [--json]                       is a host running for the data dir, and what is it
  open [--no-browser] [--json]          start the host if needed and open the UI
  repo add PATH [--trust] [--json]      register a repository by its MAIN checkout (untrusted unless --trust)
  repo trust [NAME]                     show every command its grove.yaml would run, with their digest, and trust them
  repo list [--json]                    list registered repositories and whether their commands are trusted
  repo config [--repo R] [--json]       the effective grove.yaml and its problems
  repo guard on|off [--repo R]          MAIN's pre-commit guard (MAIN only; lanes unaffected)
  repo main [--repo R] [--json]         what MAIN's watcher sees (edits, commits that bypassed Grove)
  repo accept-main [--repo R]           accept MAIN as it is now
  lane create NAME [--branch B] [--ephemeral] [--keyless] [--without-recipes] [--repo R]
                                        a worktree beside MAIN, set up by grove.yaml's recipe
  lane list [--repo R] [--json]         lanes, reconciled with git worktree list
  lane remove NAME [--archive]          remove a lane only if nothing would be lost
  lane adopt PATH [--name NAME]         take a worktree made outside Grove under its care
  lane rebase NAME                      rebase the lane onto MAIN (aborted by itself on a conflict)
  lane serve NAME [--off]               serve the lane by grove.yaml's serve recipe
  merge NAME [--dry-run] [--commit MSG] the gated merge into MAIN (preflight, check, gate)
  merge --rollback MERGE_ID             roll MAIN back to before that merge
  merges [--repo R] [--json]            merges into MAIN through Grove
  diff NAME [--stat]                    the lane's changes against MAIN, uncommitted included
  health [--repo R] [--json]            MAIN's health from grove.yaml's probes (exit 1 if broken)
  health watch [--repo R] [--json]      MAIN's health now and every change after, until Ctrl-C
  incidents [--repo R] [--limit N]      when MAIN broke, which probe, what reached it, how it recovered
  notifications [--limit N]             the latest notifications (quiet ones marked)
  notifications pause [--for 2h]        quiet notifications (default: until resumed)
  notifications resume                  notifications on again
  ops start [--repo R] [--command CMD]  the ops loop: a supervised agent watching MAIN from its own checkout
  ops stop [--repo R]                   stop it; its worktree is removed only if nothing would be lost
  ops status [--repo R] [--json]        the loop, its agent, MAIN's state and the open incident
  agent start --lane PATH --preset P    start an agent (claude, codex, shell, custom) in a lane
  agent list [--json]                   agents, their state and context use
  agent send AGENT TEXT                 type a line into an agent
  agent tail AGENT [--since N] [-f]     print an agent's output (from byte offset N; -f follows)
  agent stop AGENT                      stop an agent and everything it started
  hook EVENT                            (run by agents' hooks) report an agent's state

Options for every command:
  --home DIR   data dir (default: $GROVE_HOME, else ~/.grove)
  --json       machine-readable output (docs/cli.md)

Exit codes: 0 ok, 1 the host refused the request, 2 usage error,
            3 no host running (or one already running, for \`host\`), 4 host unreachable.`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  // --home and --json are global; everything else belongs to the command.
  let home: string | undefined;
  let json = false;
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--home') {
      home = rest[++i];
      if (!home) return usage('--home takes a directory.');
    } else if (rest[i] === '--json') json = true;
    else args.push(rest[i]!);
  }
  const ctx = cliContext(home, json);
  switch (command) {
    case 'host': {
      const hostModule = (await import(new URL('../host/main.js', import.meta.url).href)) as {
        runHost(argv: string[]): Promise<number>;
      };
      return hostModule.runHost([...args, ...(home ? ['--home', home] : []), '--print-login-url']);
    }
    case 'status':
      return args.length ? usage(`status takes no arguments but --json, not ${args.join(' ')}`) : statusCommand(ctx);
    case 'open': {
      const unknown = args.filter((a) => a !== '--no-browser');
      if (unknown.length) return usage(`open takes --no-browser and --json, not ${unknown.join(' ')}`);
      return openCommand(ctx, { browser: !args.includes('--no-browser') });
    }
    case 'repo':
      return repoCommand(ctx, args);
    case 'lane':
      return laneCommand(ctx, args);
    case 'merge':
      return mergeCommand(ctx, args);
    case 'merges':
      return mergesCommand(ctx, args);
    case 'diff':
      return diffCommand(ctx, args);
    case 'health':
      return healthCommand(ctx, args);
    case 'incidents':
      return incidentsCommand(ctx, args);
    case 'notifications':
      return notificationsCommand(ctx, args);
    case 'ops':
      return opsCommand(ctx, args);
    case 'agent':
      return agentCommand(ctx, args);
    case 'hook':
      return hookCommand(args);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? ExitCode.usage : ExitCode.ok;
    default:
      return usage(`Unknown command ${JSON.stringify(command)}.`);
  }
}

function usage(message: string): number {
  process.stderr.write(`grove: ${message}\n\n${USAGE}\n`);
  return ExitCode.usage;
}
