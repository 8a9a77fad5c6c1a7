import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Where a host keeps its state, and the names of the files in it. Shared by the host (which
 * writes them) and by the CLI and the shell (which read them to find the host).
 */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, flag?: string): string {
  const chosen = flag ?? env.GROVE_HOME;
  return chosen && chosen.length > 0 ? resolve(chosen) : join(homedir(), '.grove');
}

export interface DataDirPaths {
  root: string;
  discovery: string;
  token: string;
  lock: string;
  database: string;
  logs: string;
  hostLog: string;
}

export function dataDirPaths(root: string): DataDirPaths {
  return {
    root,
    discovery: join(root, 'host.json'),
    token: join(root, 'token'),
    lock: join(root, 'host.lock'),
    database: join(root, 'grove.db'),
    logs: join(root, 'logs'),
    hostLog: join(root, 'logs', 'host.log'),
  };
}
