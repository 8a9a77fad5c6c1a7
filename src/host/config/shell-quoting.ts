/**
 * Quoting a value for the place it lands in a `sh -c` command line that someone else wrote
 * (a grove.yaml template). The text before the place is read just far enough to know the
 * quoting in force there: outside quotes, inside '…', inside "…", each at its level of
 * `$(…)` nesting (a command substitution starts afresh, even inside "…"). The value is then
 * quoted so the shell reads back exactly its text:
 * - outside quotes: one single-quoted word, each `'` written as `'\''`;
 * - inside '…': the same `'\''` for each `'`;
 * - inside "…": `$`, backquote, `"` and `\` escaped with a backslash.
 * Two places cannot be quoted safely and are refused instead: right after a backslash
 * (which would take the value's first character), and inside backquotes (whose end the
 * shell finds before it reads any quoting).
 */
export type ShellPlace = 'bare' | 'single' | 'double';

export type ShellPlaceError = 'after-backslash' | 'in-backquotes';

export class ShellScanner {
  /** The quoting of each `$(…)` level, outermost first. */
  private readonly levels: ShellPlace[] = ['bare'];
  private inBackquotes = false;
  private escaped = false;

  /** Reads literal command text (what lies between two values). */
  feed(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      const top = this.levels.length - 1;
      const q = this.levels[top]!;
      if (this.escaped) {
        this.escaped = false;
        continue;
      }
      if (q === 'single') {
        if (c === "'") this.levels[top] = 'bare';
        continue;
      }
      if (c === '\\') this.escaped = true;
      else if (c === '`') this.inBackquotes = !this.inBackquotes;
      else if (c === '"') this.levels[top] = q === 'double' ? 'bare' : 'double';
      else if (q === 'bare' && c === "'") this.levels[top] = 'single';
      else if (c === '$' && text[i + 1] === '(') {
        this.levels.push('bare');
        i++;
      } else if (q === 'bare' && c === ')' && top > 0) this.levels.pop();
    }
  }

  /** The value quoted for the current place, or why it cannot be. A value is not fed: it is opaque text. */
  quote(value: string): { ok: true; text: string } | { ok: false; error: ShellPlaceError } {
    if (this.escaped) return { ok: false, error: 'after-backslash' };
    if (this.inBackquotes) return { ok: false, error: 'in-backquotes' };
    switch (this.levels.at(-1)!) {
      case 'bare':
        return { ok: true, text: `'${value.replaceAll("'", `'\\''`)}'` };
      case 'single':
        return { ok: true, text: value.replaceAll("'", `'\\''`) };
      case 'double':
        return { ok: true, text: value.replace(/[$`"\\]/g, '\\$&') };
    }
  }
}
