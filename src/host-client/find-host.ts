import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Discovery } from '../shared/discovery';
import { PROTOCOL_VERSION } from '../shared/protocol-version';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';
import { dataDirPaths } from './data-dir';
import { callHost } from './call-host';
import { proveHost } from './host-identity';

/**
 * Finds the host serving a data dir: reads the discovery and token files, then asks the
 * host itself (a health check over the real API) before trusting them, because a host
 * killed with -9 leaves its discovery file behind.
 */
export interface FoundHost {
  discovery: Discovery;
  token: string;
}

export type FindHostError =
  | { kind: 'not-running'; message: string }
  | { kind: 'unreachable'; message: string; discovery: Discovery }
  | { kind: 'incompatible'; message: string; discovery: Discovery }
  | { kind: 'unreadable'; message: string };

export async function readDiscovery(dataDir: string): Promise<Result<Discovery | null, string>> {
  let text: string;
  try {
    text = await readFile(dataDirPaths(dataDir).discovery, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return ok(null);
    return err(`cannot read ${dataDirPaths(dataDir).discovery}: ${(e as Error).message}`);
  }
  // Half-written by a crash (a power cut): say which file, and that it may go if no host runs.
  const broken = `${dataDirPaths(dataDir).discovery} is not a host's discovery file (cut short by a crash?); if no Grove host runs for ${dataDir}, remove it and start again`;
  try {
    const parsed = Discovery.safeParse(JSON.parse(text));
    return parsed.success ? ok(parsed.data) : err(broken);
  } catch {
    return err(broken);
  }
}

export async function readToken(dataDir: string): Promise<string | null> {
  try {
    return (await readFile(dataDirPaths(dataDir).token, 'utf8')).trim();
  } catch {
    return null;
  }
}

/**
 * Whether a process we could have started is alive. EPERM means the pid now belongs to
 * another user: never our host (which runs as us), so it counts as dead.
 */
export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function findHost(
  dataDir: string,
  timeoutMs = 2000,
): Promise<Result<FoundHost, FindHostError>> {
  const disc = await readDiscovery(dataDir);
  if (!disc.ok) return err({ kind: 'unreadable', message: disc.error });
  const discovery = disc.value;
  if (!discovery || !isPidAlive(discovery.pid)) {
    return err({ kind: 'not-running', message: `No Grove host is running for ${dataDir}.` });
  }
  const token = await readToken(dataDir);
  if (!token) {
    return err({ kind: 'unreadable', message: `The token file in ${dataDir} is missing.` });
  }
  // Only ever loopback, whatever the file says.
  const url = `http://127.0.0.1:${discovery.port}`;
  // The token goes only to a server that proves it holds it: a dead host's port may have
  // been taken since by anyone's server, its discovery file left behind.
  const proven = await proveHost(url, token, timeoutMs);
  if (!proven.ok && proven.error.kind === 'refused') {
    // Nothing listens there: the host died and its pid was reused.
    return err({ kind: 'not-running', message: `No Grove host is running for ${dataDir}.` });
  }
  if (!proven.ok && proven.error.kind === 'not-host') {
    // A Grove from before the proof answers /identity as any unknown page: 401 or 404.
    const older = proven.error.status === 401 || proven.error.status === 404;
    const next = older
      ? ` If it is a Grove host older than this grove (upgraded while it ran), stop it (kill ${discovery.pid}) and start it again (grove host); if the host died, start it again.`
      : ' If the host died, start it again (grove host).';
    return err({ kind: 'unreachable', message: `The server at ${url} is not the host of ${dataDir}: ${proven.error.message}.${next}`, discovery });
  }
  const status = proven.ok ? await callHost({ url, token }, 'host.status', {}, timeoutMs) : err({ code: 'unreachable' as const, message: proven.error.message });
  if (!status.ok) {
    return err({
      kind: 'unreachable',
      message: `The Grove host (pid ${discovery.pid}) at ${discovery.url} did not answer: ${status.error.message}`,
      discovery,
    });
  }
  if (status.value.protocolVersion !== PROTOCOL_VERSION) {
    return err({
      kind: 'incompatible',
      message: `The running host speaks protocol ${status.value.protocolVersion}; this Grove speaks ${PROTOCOL_VERSION}. Stop it (kill ${discovery.pid}) and start the matching version.`,
      discovery,
    });
  }
  // The host of *this* data dir: a copy of a data dir (its discovery file and token with it)
  // names the original's host, which must not be taken for its own.
  if (!sameDir(status.value.dataDir, dataDir)) {
    return err({
      kind: 'unreachable',
      message: `The host at ${url} is the host of ${status.value.dataDir}, not of ${dataDir}: this data dir's host.json and token were copied from there. Remove ${dataDirPaths(dataDir).discovery} to start a host of its own.`,
      discovery,
    });
  }
  if (status.value.pid !== discovery.pid) {
    return err({ kind: 'unreachable', message: `The server at ${url} is not the host of ${dataDir}.`, discovery });
  }
  return ok({ discovery: { ...discovery, url }, token });
}

function sameDir(a: string, b: string): boolean {
  const real = (d: string) => {
    try {
      return realpathSync(d);
    } catch {
      return d;
    }
  };
  return real(a) === real(b);
}
