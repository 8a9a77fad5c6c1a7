import type { RepoCommands } from '../shared/trust';

/**
 * A repository's commands as `grove repo trust` shows them: each key, what Grove does with
 * it, the value on its own line; the change since they were trusted; the digest.
 */
export function trustLines(name: string, c: RepoCommands): string[] {
  const lines: string[] = [];
  if (c.commands.length === 0) lines.push(`${name}'s grove.yaml (with your override) runs no commands.`);
  else {
    lines.push(`${name}'s grove.yaml (with your override) would run or use:`);
    for (const e of c.commands) lines.push(`  ${e.key}  (${e.role})`, `      ${e.value}`);
  }
  if (c.state === 'changed') {
    lines.push(`Changed since you trusted them${c.trustedAt ? ` (${c.trustedAt})` : ''}:`);
    for (const ch of c.changes) {
      if (ch.before !== null) lines.push(`  - ${ch.key}: ${ch.before}`);
      if (ch.after !== null) lines.push(`  + ${ch.key}: ${ch.after}`);
    }
  }
  lines.push(`digest sha256:${c.digest}`);
  return lines;
}

export function trustWords(state: RepoCommands['state']): string {
  return state === 'trusted' ? 'trusted' : state === 'changed' ? 'commands changed, not trusted' : 'untrusted';
}
