import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The Node.js binary that runs the host. The host never runs inside Electron: it must
 * outlive the app, and running it under Node means its native addons (better-sqlite3,
 * later node-pty) are built once, for Node, and are never loaded by Electron, so
 * `npm start`, `npm test` and `npm run host` share one build. GROVE_NODE overrides.
 */
export function resolveHostNode(env: NodeJS.ProcessEnv): string | null {
  if (env.GROVE_NODE && existsSync(env.GROVE_NODE)) return env.GROVE_NODE;
  // npm sets this when `npm start` launched us.
  if (env.npm_node_execpath && existsSync(env.npm_node_execpath)) return env.npm_node_execpath;
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return null;
}
