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
import { AGENT_USAGE } from './commands/agent';
import { REPO_USAGE } from './commands/repo';
import { LANE_USAGE } from './commands/lane';
import { MERGE_USAGE } from './commands/merge';
import { DIFF_USAGE } from './commands/diff';
import { OPS_USAGE } from './commands/ops';
import { alertsCommand, ALERTS_USAGE } from './commands/alerts';
import { hostStopCommand } from './commands/host-stop';
import { hostLogOutBrowsersCommand } from './commands/host-log-out-browsers';
import { briefCommand, BRIEF_USAGE } from './commands/brief';
import { dispatchCommand, dispatchesCommand, DISPATCH_USAGE } from './commands/dispatch';
import { mcpCommand, MCP_USAGE } from './commands/mcp';
import { syncCommand, SYNC_USAGE } from './commands/sync';
import { beforeDashes, twice } from './parse-command';
import { formatUsage, usageError, usageLines } from './usage';
import { GROVE_VERSION } from '../host/version';

/**
 * The `grove` command. It speaks to the host through the same contract as the UI; only
 * `grove host` runs the host itself (in the foreground), loaded on demand so the other
 * verbs start fast and never load a native addon.
 */
export const USAGE = `Usage: grove <command> [options]

Commands:
  host [--port N] [--allow-host NAME]   run the host in the foreground; prints the UI's URL
  host stop                             stop the running host cleanly (its agents stopped first)
  host log-out-browsers                 end every browser's session (tabs log in again with \`open\`)
  status [--json]                       is a host running for the data dir, and what is it
  open [--no-browser] [--json]          start the host if needed and open the UI
  repo add PATH [--trust] [--json]      register a repository by its MAIN checkout (untrusted unless --trust)
  repo trust [NAME] [--yes | --show]    show every command its grove.yaml would run, with their digest; trust them once you say yes (--show: only show)
  repo list [--json]                    list registered repositories and whether their commands are trusted
  repo config [--repo R] [--json]       the effective grove.yaml and its problems
  repo guard on|off [--repo R]          MAIN's pre-commit guard (MAIN only; lanes unaffected)
  repo main [--repo R] [--json]         what MAIN's watcher sees (edits, commits that bypassed Grove)
  repo accept-main [--repo R]           accept MAIN as it is now
  repo remove NAME                      unregister a repository (refused while its lanes hold work or agents run)
  lane create NAME [--branch B] [--ephemeral] [--keyless | --with-keys] [--without-recipes] [--network open|loopback|none] [--repo R]
                                        a worktree beside MAIN, set up by grove.yaml's recipe
  lane list [--repo R] [--json]         lanes, reconciled with git worktree list
  lane remove NAME [--archive]          remove a lane only if nothing would be lost
  lane adopt PATH [--name NAME]         take a worktree made outside Grove under its care
  lane rebase NAME                      rebase the lane onto MAIN (aborted by itself on a conflict)
  lane serve NAME [--off]               serve the lane by grove.yaml's serve recipe
  lane network NAME NETWORK             open, loopback, none or default: its confined agents' network, from their next start
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
  notifications escalate --after 10m    notify once more about an agent still waiting (off: never)
  alerts [--limit N] [--json]           the latest alerts (an agent went fatal, MAIN broke or was edited outside Grove)
  ops start [--repo R] [--command CMD]  the ops loop: a supervised agent watching MAIN from its own checkout
  ops stop [--repo R]                   stop it; its worktree is removed only if nothing would be lost
  ops status [--repo R] [--json]        the loop, its agent, MAIN's state and the open incident
  agent start --lane PATH --preset P    start an agent (claude, codex, shell, custom) in a lane
  agent start --lane PATH -- CMD ARGS   start a custom command as an agent in a lane
  agent start … --unconfined            start an agent outside its lane's confinement (it can write anywhere you can)
  agent list [--json]                   agents, their state, context use and confinement (confined (bwrap) or unconfined: why)
  agent send AGENT TEXT                 type a line into an agent
  agent tail AGENT [--since N] [-f]     print an agent's output (from byte offset N; -f follows)
  agent stop AGENT                      stop an agent and everything it started
  agent tail AGENT --screen             print an agent's screen as text, as a terminal shows it now
  agent resume AGENT                    start a stopped agent again, resuming its conversation where it can
  agent restart AGENT                   stop an agent and start it again
  agent remove AGENT                    forget a stopped agent and its scrollback
  hook EVENT                            (run by agents' hooks) report an agent's state
  brief new TITLE [--project P] [--kind K] [--spec-file F]
                                        a new brief (draft); prints its number
  brief list [--status S] [--search Q]  briefs, latest activity first
  brief show REF                        a brief: its spec, relationships, participants, links and whole trace
  brief spec|status|note|comment|link|unlink|depend|undepend|parent|join|leave|plan|accept|redact REF …
                                        write to a brief (\`grove help brief\` lists each form)
  brief recall REF                      what an agent reads of the brief
  brief packet REF [--lane L]           the copy-paste packet: the text any agent could be given to do the brief
  brief export [--out FILE] / import FILE
                                        every brief's log as JSON Lines (backup, moving machines)
  dispatch REF [--lane L|--ephemeral] [--preset P] [--role R] [--design-first] [--auto]
                                        give a brief to an agent in a lane (default: a new ephemeral one); prints the packet
  dispatch cancel ID                    take back a dispatch that has not started its agent
  dispatches [--brief REF] [--all]      open dispatches (waiting, queued, starting, running) and the briefs' claims
  mcp config --for claude|codex         how to point an agent Grove did not start at Grove's MCP server
  sync status [--json]                  sync with the team's shared MySQL: state, last push and pull, entries waiting, last error
  sync set mysql://USER@HOST:PORT/DB [--tls off|require|verify]
                                        sync this host's briefs with that MySQL (the password: GROVE_SYNC_PASSWORD or DATA_DIR/sync-password)
  sync now                              a sync round now (pull, then push)
  sync off                              stop syncing; the local briefs stay
  help [COMMAND]                        this text, or one command's usage (also: grove COMMAND --help)
  --version                             print Grove's version

Options for every command:
  --home DIR   data dir (default: $GROVE_HOME, else ~/.grove)
  --json       machine-readable output (docs/cli.md)

Exit codes: 0 ok, 1 the host refused the request, 2 usage error,
            3 no host running (or one already running, for \`host\`), 4 host unreachable.`;

/** Each command's own usage block (its forms in full); the others' forms come from USAGE. */
const COMMAND_USAGE: Record<string, string> = {
  agent: AGENT_USAGE,
  repo: REPO_USAGE,
  lane: LANE_USAGE,
  merge: MERGE_USAGE,
  diff: DIFF_USAGE,
  ops: OPS_USAGE,
  alerts: ALERTS_USAGE,
  brief: BRIEF_USAGE,
  dispatch: DISPATCH_USAGE,
  dispatches: DISPATCH_USAGE,
  mcp: MCP_USAGE,
  sync: SYNC_USAGE,
};

/** Commands that are another's other name: their help is that one's. */
const ALIASES: Record<string, string> = { briefs: 'brief' };

/** The usage of `grove WORDS…`: from the command's own block, else from USAGE; none if unknown. */
export function commandUsage(given: readonly string[]): string[] {
  const words = given.length && Object.hasOwn(ALIASES, given[0]!) ? [ALIASES[given[0]!]!, ...given.slice(1)] : given;
  const [command] = words;
  if (command === undefined) return [];
  for (const n of [words.length, 1]) {
    const own = COMMAND_USAGE[command] ? usageLines(COMMAND_USAGE[command], words.slice(0, n)) : [];
    if (own.length) return own;
    const general = usageLines(USAGE, words.slice(0, n));
    if (general.length) return general;
  }
  return [];
}

function help(words: readonly string[]): number {
  if (!words.length) {
    process.stdout.write(USAGE + '\n');
    return ExitCode.ok;
  }
  const lines = commandUsage(words);
  if (!lines.length) return usage(`No command ${JSON.stringify(words.join(' '))}; \`grove help\` lists them.`);
  process.stdout.write(formatUsage(lines) + '\n');
  return ExitCode.ok;
}

export async function main(argv: string[]): Promise<number> {
  // The global options may come before the command too (`grove --home DIR brief import F`).
  let first = 0;
  while (argv[first] === '--json' || argv[first] === '--home' || argv[first]?.startsWith('--home=')) first += argv[first] === '--home' ? 2 : 1;
  const [command, ...afterCommand] = argv.slice(first);
  const rest = [...argv.slice(0, Math.min(first, argv.length)), ...afterCommand];
  // `grove agent tail A | head`: the reader left, so there is no one to tell; end quietly.
  // Not `grove host`: the host runs in this process, and stops as a host does (its output
  // going nowhere is no reason to leave its agents and discovery file behind).
  if (command !== 'host') {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  // --home and --json are global, before the command or after it (not after `--`: words there
  // are text, or an agent's program's); everything else belongs to the command.
  const json = beforeDashes(rest).includes('--json');
  let home: string | undefined;
  const args: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--') {
      args.push(...rest.slice(i));
      break;
    }
    if (rest[i] === '--home' || rest[i]!.startsWith('--home=')) {
      if (home !== undefined) return usage(twice('--home'), json);
      const inline = rest[i] !== '--home';
      home = inline ? rest[i]!.slice('--home='.length) : rest[++i];
      // `--home --json`: never a data dir named "--json" (`--home=DIR` takes any DIR given so).
      if (!home || (!inline && home.startsWith('--'))) return usage('--home takes a directory (a path, not an option).', json);
    } else if (rest[i] !== '--json') args.push(rest[i]!);
  }
  // `grove CMD [VERB] --help` (before any `--`, after which arguments belong to an agent's program).
  const own = beforeDashes(args);
  if (command !== undefined && !command.startsWith('-') && (own.includes('--help') || own.includes('-h'))) {
    const verb = own.find((a) => !a.startsWith('-'));
    return help(verb && commandUsage([command, verb]).length ? [command, verb] : [command]);
  }
  const ctx = cliContext(home, json);
  switch (command) {
    case 'host': {
      if (args[0] === 'stop') return args.length > 1 ? usageError(ctx, USAGE, ['host', 'stop'], `host stop takes no arguments, not ${args.slice(1).join(' ')}.`) : hostStopCommand(ctx);
      if (args[0] === 'log-out-browsers') {
        return args.length > 1 ? usageError(ctx, USAGE, ['host', 'log-out-browsers'], `host log-out-browsers takes no arguments, not ${args.slice(1).join(' ')}.`) : hostLogOutBrowsersCommand(ctx);
      }
      const hostModule = (await import(new URL('../host/main.js', import.meta.url).href)) as {
        runHost(argv: string[]): Promise<number>;
      };
      const code = await hostModule.runHost([...args, ...(home ? ['--home', home] : []), '--print-login-url']);
      // Stopped: the process ends here, as a host started by the launcher does. Left to end
      // by itself it waited for whatever a grove.yaml command the stop did not end still
      // held open (up to its timeout), and Ctrl-C again did nothing.
      return process.exit(code);
    }
    case 'status':
      return args.length ? usageError(ctx, USAGE, ['status'], `status takes no arguments but --json, not ${args.join(' ')}.`) : statusCommand(ctx);
    case 'open': {
      const unknown = args.filter((a) => a !== '--no-browser');
      if (unknown.length) return usageError(ctx, USAGE, ['open'], `open takes --no-browser and --json, not ${unknown.join(' ')}.`);
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
    case 'alerts':
      return alertsCommand(ctx, args);
    case 'brief':
    case 'briefs':
      return briefCommand(ctx, args);
    case 'dispatch':
      return dispatchCommand(ctx, args);
    case 'dispatches':
      return dispatchesCommand(ctx, args);
    case 'mcp':
      return mcpCommand(ctx, args);
    case 'sync':
      return syncCommand(ctx, args);
    case '--version':
    case '-v':
    case 'version':
      process.stdout.write(`${ctx.json ? JSON.stringify({ version: GROVE_VERSION }) : `grove ${GROVE_VERSION}`}\n`);
      return ExitCode.ok;
    case 'help':
      return help(args.filter((a) => !a.startsWith('-')));
    case undefined:
      if (json) return usage('Name a command.', json);
      process.stdout.write(USAGE + '\n');
      return ExitCode.usage;
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return ExitCode.ok;
    default:
      return usage(`Unknown command ${JSON.stringify(command)}.`, json);
  }
}

/**
 * A line that is wrong before any command is known: the message and where to look; with
 * --json, also the one document a script reads, as every other usage error gives.
 */
function usage(message: string, json = false): number {
  if (json) process.stdout.write(JSON.stringify({ ok: false, error: { code: 'usage', message } }) + '\n');
  process.stderr.write(`grove: ${message}\nUsage: grove <command> [options]; \`grove help\` lists the commands, \`grove help COMMAND\` shows one.\n`);
  return ExitCode.usage;
}
