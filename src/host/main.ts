import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { resolveDataDir } from '../host-client/data-dir';
import { startHost } from './host';
import { parseHostOptions } from './host-options';
import { readHostEnv } from './host-env';
import { createLogger } from './logger';
import { GROVE_VERSION } from './version';

/**
 * The host process's entry point (out/host/main.js). Run directly by the launcher
 * (detached) or imported by `grove host` (foreground). Exit codes: 0 clean stop, 1 failure,
 * 2 bad arguments, 3 another host already runs on the data dir.
 */
export async function runHost(argv: readonly string[]): Promise<number> {
  const parsed = parseHostOptions(argv);
  if (!parsed.ok) {
    process.stderr.write(parsed.error + '\n');
    return 2;
  }
  const opts = parsed.value;
  const settings = readHostEnv(process.env);
  if (!settings.ok) {
    process.stderr.write(`grove host: ${settings.error}\n`);
    return 2;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = join(here, '..', 'renderer');
  // A closed stdout (the terminal or pipe of a foreground host went away) must not turn
  // every log line into an exception; the host keeps running, unheard.
  process.stdout.on('error', () => undefined);
  process.stderr.on('error', () => undefined);
  const logger = createLogger();
  // A stop asked for while the host is still starting (a launcher that gave up, a test's
  // SIGTERM) must stop it cleanly once it can, not kill it halfway: Node's default for an
  // unhandled SIGTERM is to die at once, leaving the lock, the discovery file and agents.
  // One listener per signal for the process's whole life: removing the last listener stops
  // Node watching the signal, and a signal caught but not yet dispatched is then dropped
  // (a SIGTERM sent the moment the host announced itself was lost that way, leaving it running).
  let stopRequested: string | null = null;
  let onStop: ((signal: string) => void) | null = null;
  const onSignal = (signal: string) => (): void => {
    if (onStop) onStop(signal);
    else stopRequested ??= signal;
  };
  process.on('SIGTERM', onSignal('SIGTERM'));
  process.on('SIGINT', onSignal('SIGINT'));
  const started = await startHost({
    dataDir: resolveDataDir(process.env, opts.home),
    groveCommand: [process.execPath, join(here, '..', '..', 'bin', 'grove.js')],
    port: opts.port,
    allowedHosts: opts.allowedHosts,
    rendererDir: existsSync(join(rendererDir, 'index.html')) ? rendererDir : null,
    version: GROVE_VERSION,
    logger,
    settings: settings.value,
  });
  if (!started.ok) {
    process.stderr.write(`grove host: ${started.error.message}\n`);
    return started.error.kind === 'already-running' ? 3 : 1;
  }
  const host = started.value;
  if (opts.printLoginUrl) {
    process.stdout.write(`Grove host ready at ${host.url}\nOpen the UI (this link works once, for 10 minutes; \`grove open\` makes another): ${host.loginUrl()}\n`);
  }
  return new Promise<number>((resolve) => {
    // 1 when the host stops itself for its own failures; 0 for any stop asked for.
    let exitCode = 0;
    const stop = (signal: string): void => {
      void host.close(signal).then(() => resolve(exitCode));
    };
    // `grove host stop` (host.stop) closes the host itself; the process then ends as after SIGTERM.
    void host.stopped.then(() => resolve(exitCode));
    // A second Ctrl-C while stopping does not kill the host halfway: the stop under way goes on.
    onStop = stop;
    if (stopRequested) stop(stopRequested);
    // A bug in one request must not take down every agent: log it and keep serving.
    // (Requests and upgrades catch their own errors; this is the last net.) A storm of
    // them means the host itself is broken: then it stops, cleanly, rather than spin.
    const recent: number[] = [];
    const survive = (what: string, e: unknown): void => {
      logger.error(what, { error: e instanceof Error ? e.stack : String(e) });
      const now = Date.now();
      recent.push(now);
      while (recent.length && now - recent[0]! > 10_000) recent.shift();
      if (recent.length > 20) {
        exitCode = 1;
        void host.close('too many internal errors').finally(() => resolve(exitCode));
      }
    };
    process.on('uncaughtException', (e) => survive('uncaught exception', e));
    process.on('unhandledRejection', (e) => survive('unhandled rejection', e));
  });
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntry) {
  void runHost(process.argv.slice(2)).then((code) => process.exit(code));
}
