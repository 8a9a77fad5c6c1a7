/**
 * Where a value lands in a `sh -c` command line that someone else wrote (a grove.yaml
 * template). The text before the place is read just far enough to know the quoting in
 * force there: outside quotes, inside '…', inside "…", each at its level of `$(…)` nesting
 * (a command substitution starts afresh, even inside "…"). The value then goes in as a
 * parameter expansion written for that place, so the program gets exactly its text:
 * - outside quotes: `"${VAR}"`;
 * - inside "…": `${VAR}`.
 * The scanner is no shell parser (comments, here-documents and `case` patterns can fool
 * it); what keeps a value from ever running is that an expansion is not parsed again,
 * whatever the scanner thought. Three places are refused: right after a backslash (which
 * would take the reference's first character), inside backquotes, and inside '…'. Single
 * quotes are how a command hands text to another shell (`sh -c '…'`, `ssh host '…'`,
 * `docker exec … sh -c '…'`): a value expanded into that text would be parsed by the inner
 * shell as code. There, the command names the variable itself (`"$GROVE_TPL_BRANCH"`),
 * which reaches the inner shell too.
 */
export type ShellPlace = 'bare' | 'single' | 'double';

export type ShellPlaceError = 'after-backslash' | 'in-backquotes' | 'in-single-quotes';

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

  /**
   * A reference to the environment variable `name` that expands to its exact value at the
   * current place, or why there is none. The value itself never enters the command.
   */
  reference(name: string): { ok: true; text: string } | { ok: false; error: ShellPlaceError } {
    if (this.escaped) return { ok: false, error: 'after-backslash' };
    if (this.inBackquotes) return { ok: false, error: 'in-backquotes' };
    switch (this.levels.at(-1)!) {
      case 'bare':
        return { ok: true, text: `"\${${name}}"` };
      case 'single':
        return { ok: false, error: 'in-single-quotes' };
      case 'double':
        return { ok: true, text: `\${${name}}` };
    }
  }
}
