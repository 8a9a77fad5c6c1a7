import { callHost } from '../../host-client/call-host';
import { SyncTls, SyncUrl, type SyncStatus } from '../../shared/sync';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail } from '../lane-target';
import { parseCommand } from '../parse-command';
import { requireHost } from '../require-host';
import { hasPasswordInUrl, passwordInUrlMessage, syncStatusLines } from '../sync-lines';
import { usageError } from '../usage';

/**
 * `grove sync set|status|now|off`: this host's sync with the team's shared MySQL
 * (docs/sync.md), through the same sync.* methods as the cockpit's indicator. The URL never
 * carries a password: one typed in it is refused here, before anything is sent, and the
 * host reads it from GROVE_SYNC_PASSWORD or the data dir's 0600 sync-password file. With
 * --json each form prints exactly one JSON document: `{ ok: true, status }` or
 * `{ ok: false, error }`.
 */
export const SYNC_USAGE = `Usage:
  grove sync status [--json]
  grove sync set mysql://USER@HOST:PORT/DB [--tls off|require|verify] [--force]
                  --force: move to another store even though redacted entries are not yet rewritten in this one (their text may stay there)
  grove sync now
  grove sync off [--force]
                  --force: turn off even though redacted entries are not yet rewritten in the store (their text may stay there)`;

const VERBS = ['status', 'set', 'now', 'off'] as const;
type Verb = (typeof VERBS)[number];

/** A `sync now` round can wait on a slow server (the host bounds it); the others answer at once. */
const ROUND_TIMEOUT_MS = 60_000;

/** A wrong command line (usage.ts's usageError). */
const usage = (ctx: CliContext, words: readonly string[], message: string): number => usageError(ctx, SYNC_USAGE, words, message);

export async function syncCommand(ctx: CliContext, args: string[]): Promise<number> {
  // Before anything else (even the option parser, whose messages may quote an argument): a
  // password typed in a URL, wherever it stands, is refused without being repeated or sent.
  if (args.some(hasPasswordInUrl)) return usage(ctx, ['sync', 'set'], passwordInUrlMessage(ctx.dataDir));
  const [verb, ...rest] = args;
  if (!verb || !(VERBS as readonly string[]).includes(verb)) {
    return usage(ctx, ['sync'], verb ? `Unknown sync command ${JSON.stringify(verb)}; it takes ${VERBS.join(', ')}.` : `Say what: grove sync ${VERBS.join('|')}.`);
  }
  if (verb === 'set') return setSync(ctx, rest);
  // Parsed for every verb, so `sync now --force` is told where --force belongs.
  const parsed = parseCommand(rest, { force: { type: 'boolean' as const } }, []);
  if (!parsed.ok) return usage(ctx, ['sync', verb], parsed.message);
  if (parsed.values.force === true && verb !== 'off') return usage(ctx, ['sync', verb], `--force is for sync off and sync set, not sync ${verb}.`);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const method = `sync.${verb as Exclude<Verb, 'set'>}` as const;
  const params = parsed.values.force === true ? { force: true } : {};
  const r = await callHost(host.target, method, params, verb === 'now' ? ROUND_TIMEOUT_MS : undefined);
  if (!r.ok) return fail(ctx, r.error);
  // A round that could not reach the shared store, or was refused by it, is a failure for a script.
  const isFailedRound = verb === 'now' && (r.value.state === 'offline' || r.value.state === 'refused');
  print(ctx, r.value, null);
  return isFailedRound ? ExitCode.failed : ExitCode.ok;
}

async function setSync(ctx: CliContext, args: string[]): Promise<number> {
  const parsed = parseCommand(args, { tls: { type: 'string' }, force: { type: 'boolean' } }, ['the URL (mysql://USER@HOST:PORT/DB)']);
  if (!parsed.ok) return usage(ctx, ['sync', 'set'], parsed.message);
  const url = SyncUrl.safeParse(parsed.positionals[0]);
  if (!url.success) return usage(ctx, ['sync', 'set'], `${JSON.stringify(parsed.positionals[0])} is not a URL sync takes: ${url.error.issues[0]?.message ?? 'give mysql://USER@HOST:PORT/DB'}.`);
  const tls = parsed.values.tls === undefined ? undefined : SyncTls.safeParse(parsed.values.tls);
  if (tls && !tls.success) return usage(ctx, ['sync', 'set'], `--tls takes ${SyncTls.options.join(', ')}, not ${JSON.stringify(parsed.values.tls)}.`);
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const r = await callHost(host.target, 'sync.set', { url: url.data, ...(tls ? { tls: tls.data } : {}), ...(parsed.values.force === true ? { force: true } : {}) }, ROUND_TIMEOUT_MS);
  if (!r.ok) return fail(ctx, r.error);
  print(ctx, r.value, `Sync is set to ${r.value.url ?? url.data}. \`grove sync status\` shows how it goes.`);
  return ExitCode.ok;
}

/** `{ ok, status }` with --json; else what happened (if anything did), then the status. */
function print(ctx: CliContext, status: SyncStatus, done: string | null): void {
  if (ctx.json) {
    ctx.out(JSON.stringify({ ok: true, status }));
    return;
  }
  ctx.out([...(done ? [done] : []), ...syncStatusLines(status, ctx.dataDir)].join('\n'));
}
