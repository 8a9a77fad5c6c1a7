import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Db } from '../db/database';
import { readSetting, writeSetting } from '../db/settings';

/**
 * Who this Grove is in a brief's trace. The operator is `operator:<name>`: GROVE_OPERATOR_NAME
 * when set (a team picks the names it knows each other by), else the OS user. The clock's node
 * id is random, made once per data dir and kept, so this store's stamps never tie another's.
 */
export function operatorName(env: NodeJS.ProcessEnv): string {
  const configured = env.GROVE_OPERATOR_NAME?.trim();
  if (configured) return configured.slice(0, 100);
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

const NODE_KEY = 'briefs.hlcNode';

export function hlcNodeId(db: Db): string {
  const known = readSetting(db, NODE_KEY);
  if (known) return known;
  const made = randomBytes(6).toString('hex');
  writeSetting(db, NODE_KEY, made);
  return made;
}
