import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';
import { dataDirPaths } from './data-dir';
import { callProvenHost } from './host-identity';
import { findHost, type FoundHost } from './find-host';

/**
 * Starts a host detached from the caller (its own session, output to the data dir's log),
 * so agents it will run outlive the window or terminal that started it; then waits until
 * it answers. Used by `grove open`, `npm start` and the Electron shell.
 */
export interface LaunchOptions {
  /** The Node binary that runs the host (addons are built for it). */
  nodePath: string;
  /** The built host entry, out/host/main.js. */
  hostEntry: string;
  dataDir: string;
  port?: number;
  timeoutMs?: number;
}

export async function launchHost(opts: LaunchOptions): Promise<Result<FoundHost, string>> {
  const paths = dataDirPaths(opts.dataDir);
  mkdirSync(paths.logs, { recursive: true, mode: 0o700 });
  const logFd = openSync(paths.hostLog, 'a', 0o600);
  const args = [opts.hostEntry, '--home', opts.dataDir];
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  const child = spawn(opts.nodePath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, GROVE_HOME: opts.dataDir },
  });
  closeSync(logFd);
  let exited: { code: number | null; signal: string | null } | null = null;
  let spawnError: Error | null = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (e) => (spawnError = e));
  child.unref();

  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    const found = await findHost(opts.dataDir, 1000);
    if (found.ok) return found;
    if (spawnError) return err(`could not start ${opts.nodePath}: ${(spawnError as Error).message}`);
    // Exit 3: another host won the start race; it becomes findable once it has written
    // its discovery file, so keep looking until the deadline.
    const lostRace = (exited as { code: number | null } | null)?.code === 3;
    if (exited && !lostRace) {
      return err(`the host exited during start-up:\n${tail(paths.hostLog, 12)}`);
    }
    await new Promise((r) => setTimeout(r, 40));
  }
  return err(`the host did not answer within ${opts.timeoutMs ?? 10_000} ms; see ${paths.hostLog}`);
}

function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Attach to the host of a data dir, starting one if none is running. */
export async function ensureHost(opts: LaunchOptions): Promise<Result<FoundHost & { started: boolean }, string>> {
  const found = await findHost(opts.dataDir);
  if (found.ok) return ok({ ...found.value, started: false });
  if (found.error.kind === 'incompatible') return err(found.error.message);
  // `unreadable` (a discovery file a crash cut short, a token file gone): a host is started,
  // and the data dir's lock, not the file, decides whether one already runs (then it says so).
  if (found.error.kind === 'unreachable') {
    return err(`${found.error.message}\nIf it is hung, stop it (kill ${found.error.discovery.pid}) and try again.`);
  }
  const launched = await launchHost(opts);
  return launched.ok ? ok({ ...launched.value, started: true }) : launched;
}

/**
 * A URL that lets a browser in once (a single-use code, never the token: the URL passes
 * through other programs' command lines, where any local user can read it).
 */
export async function browserLoginUrl(host: FoundHost): Promise<Result<string, string>> {
  // Proved first: the app's shell asks for one long after it found the host (Open, a notification).
  const r = await callProvenHost({ url: host.discovery.url, token: host.token }, 'auth.loginCode', {});
  return r.ok ? ok(r.value.loginUrl) : err(r.error.message);
}
