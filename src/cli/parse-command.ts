import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A count as typed: digits only (`Number('1e3')` would take an exponent, `Number('')` give 0). */
export const isWholeNumber = (text: string): boolean => /^\d{1,9}$/.test(text);

/** An option given twice: which one counts would be a guess, so neither does. */
export const twice = (option: string): string => `${option} is given twice; give it once.`;

/** An option's value as parseArgs gives it: a switch is a boolean, a repeatable option (`multiple`) a list. */
type ValueOf<T extends Options[string]> = T['type'] extends 'boolean' ? boolean : T['multiple'] extends true ? string[] : string;

export type Parsed<O extends Options> =
  | { ok: true; values: { [K in keyof O]?: ValueOf<O[K]> }; positionals: string[] }
  | { ok: false; message: string };

/**
 * A command's arguments through Node's own parser (`util.parseArgs`): options by their
 * spec, then a check of how many positionals it takes, named so the error says which one
 * is missing or extra (`rest`: the last one takes every word after it, as a TEXT does).
 * Errors come back as a sentence for `usageError`.
 */
export function parseCommand<O extends Options>(args: string[], options: O, positionals: readonly string[], o: { rest?: boolean } = {}): Parsed<O> {
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    // Node's messages already name the option ("Unknown option '--x'", "Option '--since <value>' argument missing");
    // its hint is put in Grove's words: words after `--` are text, whatever they start with.
    const message = (e as Error).message;
    const hinted = /To specify a positional argument/.test(message);
    return { ok: false, message: message.replace(/\. To specify a positional argument.*$/s, '.') + (hinted ? ' If it is part of your text, put -- before the text (grove brief note 4 -- fixed the -v flag).' : '') };
  }
  // An option given twice (`--kind bug --kind note`): Node's parser keeps the last, silently.
  const given = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option' || options[t.name]?.multiple) continue;
    if (given.has(t.name)) return { ok: false, message: twice(t.rawName) };
    given.add(t.name);
  }
  const got = parsed.positionals;
  if (got.length < positionals.length) return { ok: false, message: `${positionals[got.length]} is missing.` };
  if (got.length > positionals.length && !o.rest) return { ok: false, message: `Unexpected argument ${JSON.stringify(got[positionals.length])}.` };
  return { ok: true, values: parsed.values as never, positionals: got };
}
