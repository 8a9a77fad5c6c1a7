import type { RepoCommands } from '../shared/trust';

/**
 * A repository's commands as `grove repo trust` shows them: each key, what Grove does with
 * it, the value on its own line; the change since they were trusted; the digest.
 */
export function trustLines(name: string, c: RepoCommands): string[] {
  // A value that moves the cursor or clears the line could hide what is being trusted:
  // every control character but tab and newline is shown as an escape.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  const visible = (text: string): string => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const lines: string[] = [];
  if (c.commands.length === 0) lines.push(`${name}'s grove.yaml (with your override) runs no commands.`);
  else {
    lines.push(`${name}'s grove.yaml (with your override) would run or use:`);
    for (const e of c.commands) lines.push(`  ${e.key}  (${e.role})`, `      ${visible(e.value)}`);
  }
  if (c.state === 'changed') {
    lines.push(`Changed since you trusted them${c.trustedAt ? ` (${c.trustedAt})` : ''}:`);
    for (const ch of c.changes) {
      if (ch.before !== null) lines.push(`  - ${ch.key}: ${visible(ch.before)}`);
      if (ch.after !== null) lines.push(`  + ${ch.key}: ${visible(ch.after)}`);
    }
  }
  lines.push(`digest sha256:${c.digest}`);
  return lines;
}

export function trustWords(state: RepoCommands['state']): string {
  return state === 'trusted' ? 'trusted' : state === 'changed' ? 'commands changed, not trusted' : 'untrusted';
}
