import { browserLoginUrl, ensureHost } from '../../host-client/launch-host';
import { openInBrowser } from '../../host-client/open-browser';
import type { CliContext } from '../cli-context';
import { ExitCode } from '../exit-codes';
import { say } from '../lane-target';

/**
 * `grove open [--no-browser]`: attach to the data dir's host, starting it in the background
 * if none runs, and open the UI in the default browser.
 */
export async function openCommand(ctx: CliContext, opts: { browser: boolean }): Promise<number> {
  const host = await ensureHost({ nodePath: process.execPath, hostEntry: ctx.hostEntry, dataDir: ctx.dataDir });
  if (!host.ok) {
    say(ctx, { code: 'unreachable', message: `Cannot reach a Grove host: ${host.error}` });
    return ExitCode.unreachable;
  }
  const url = host.value.discovery.url;
  const loginUrl = await browserLoginUrl(host.value);
  if (!loginUrl.ok) {
    say(ctx, { code: 'unreachable', message: `The host did not give a login link: ${loginUrl.error}` });
    return ExitCode.unreachable;
  }
  const login = loginUrl.value;
  const how = host.value.started ? `started host pid ${host.value.discovery.pid}` : `host pid ${host.value.discovery.pid} already running`;
  if (ctx.json) {
    ctx.out(JSON.stringify({ url, loginUrl: login, started: host.value.started, pid: host.value.discovery.pid }));
  }
  if (!opts.browser) {
    if (!ctx.json) ctx.out(`Grove is at ${url} (${how}). Open: ${login}`);
    return ExitCode.ok;
  }
  const opened = await openInBrowser(login);
  if (!ctx.json) {
    ctx.out(
      opened.ok
        ? `Opened Grove in your browser: ${url} (${how}).`
        : `Could not open a browser (${opened.message}). Open this URL yourself: ${login}`,
    );
  }
  return ExitCode.ok;
}
