import { callHost } from '../../host-client/call-host';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { fail } from '../lane-target';
import { requireHost } from '../require-host';

/**
 * `grove host log-out-browsers`: ends every browser session (`auth.revokeSessions`), so a
 * page key a tab held (or something that took the host's port while it was down read from
 * one: protocol.md) opens nothing more. Tabs show how to log in again (`grove open`).
 */
export async function hostLogOutBrowsersCommand(ctx: CliContext): Promise<number> {
  const host = await requireHost(ctx);
  if (!host.ok) return host.code;
  const r = await callHost(host.target, 'auth.revokeSessions', {});
  if (!r.ok) return fail(ctx, r.error);
  if (ctx.json) ctx.out(JSON.stringify({ ok: true, loggedOut: true }));
  else ctx.out('Every browser is logged out; `grove open` logs this one in again.');
  return ExitCode.ok;
}
