import type { CliContext } from './cli-context';
import { ExitCode } from './exit-codes';

/**
 * Usage text, picked per command from the usage blocks the commands already keep (one line
 * per form, e.g. `grove lane create NAME …`), so an error or `--help` shows the forms that
 * matter instead of every command. Continuation lines (indented deeper) stay with their form.
 */
export function usageLines(block: string, words: readonly string[]): string[] {
  const forms: string[][] = [];
  for (const line of block.split('\n')) {
    if (/^\s{5,}\S/.test(line)) forms.at(-1)?.push(line.trim());
    else forms.push([line.replace(/^(Usage:)?\s*(grove )?/, '')]);
  }
  const prefix = words.join(' ');
  return forms
    .filter(([first]) => first === prefix || first!.startsWith(prefix + ' '))
    .map((lines) => lines.map((l, i) => (i === 0 ? `grove ${l}` : `        ${l}`)).join('\n'));
}

/** `Usage: grove …` for one form, or a short list for several. */
export function formatUsage(lines: readonly string[]): string {
  return lines.length === 1 ? `Usage: ${lines[0]}` : `Usage:\n${lines.map((l) => `  ${l}`).join('\n')}`;
}

/**
 * A usage error: what is missing or wrong, then the usage of that form only (or of the
 * command, when the form itself is unknown), on stderr. With --json, also the one JSON
 * document on stdout that a script reads (`code: usage`). Exit 2.
 */
export function usageError(ctx: CliContext, block: string, words: readonly string[], message: string): number {
  let lines = usageLines(block, words);
  if (!lines.length) lines = usageLines(block, words.slice(0, 1));
  if (ctx.json) ctx.out(JSON.stringify({ ok: false, error: { code: 'usage', message } }));
  ctx.errOut(`grove: ${message}\n${formatUsage(lines)}`);
  return ExitCode.usage;
}
