import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** A count or an offset as typed: digits only, no more than a number says exactly (`Number('1e3')` would take an exponent, `Number('')` give 0). */
export const isWholeNumber = (text: string): boolean => /^\d{1,15}$/.test(text);

/** `--limit N` as typed (absent: `fallback`): the count, or what is wrong with it, in the words every listing uses. */
export function limitOption(text: string | undefined, max: number, fallback = 20): number | string {
  if (text === undefined) return fallback;
  const n = Number(text);
  return isWholeNumber(text) && n >= 1 && n <= max ? n : `--limit takes a whole number from 1 to ${max}, not ${text}.`;
}

/** The words before `--`, after which words are text (or an agent's program), whatever they start with. */
export const beforeDashes = (args: readonly string[]): readonly string[] => (args.includes('--') ? args.slice(0, args.indexOf('--')) : args);

/** An option given twice: which one counts would be a guess, so neither does. */
export const twice = (option: string): string => `${option} is given twice; give it once.`;

/** An option's value as parsed: a switch is a boolean, a repeatable option (`multiple`) a list. */
type ValueOf<T extends Options[string]> = T['type'] extends 'boolean' ? boolean : T['multiple'] extends true ? string[] : string;

export type Parsed<O extends Options> =
  | { ok: true; values: { [K in keyof O]?: ValueOf<O[K]> }; positionals: string[] }
  | { ok: false; message: string };

/** What to do with text that starts with -: said where the command takes text. */
const TEXT_HINT = ' If it is part of your text, put -- before the text (grove brief note 4 -- fixed the -v flag).';

/**
 * A command line's options by their spec, and its positionals, or the first thing wrong with
 * it, in the same words for every command: an unknown option, one given twice, a value
 * missing, a switch given a value, or an option where a value should be (`--lane --json`: a
 * value that starts with - is given as `--lane=-x`; a negative number, and `-` for standard
 * input, are values). Node's parser reads the tokens (`--opt=value`, `-abc`, `--` and what
 * follows it as positionals); the checks are Grove's. `text`: the command takes text, so an
 * unknown option may be a word of it, and the error says how to pass it.
 */
export function parseOptions<O extends Options>(args: string[], options: O, o: { text?: boolean } = {}): Parsed<O> {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  const values: Record<string, string | boolean | string[]> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const spec = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (!spec) return { ok: false, message: `Unknown option ${t.rawName}.${o.text ? TEXT_HINT : ''}` };
    if (spec.type === 'boolean') {
      if (t.value !== undefined) return { ok: false, message: `${t.rawName} takes no value (not ${JSON.stringify(t.value)}).` };
      if (values[t.name] !== undefined) return { ok: false, message: twice(t.rawName) };
      values[t.name] = true;
      continue;
    }
    if (t.value === undefined) return { ok: false, message: `${t.rawName} takes a value.` };
    if (!t.inlineValue && t.value.startsWith('-') && t.value !== '-' && !/^-\d/.test(t.value)) {
      return { ok: false, message: `${t.rawName} takes a value, and ${t.value} is an option: give ${t.rawName} its value (one that starts with - as ${t.rawName}=${t.value}).` };
    }
    if (spec.multiple) values[t.name] = [...((values[t.name] as string[] | undefined) ?? []), t.value];
    else if (values[t.name] !== undefined) return { ok: false, message: twice(t.rawName) };
    else values[t.name] = t.value;
  }
  return { ok: true, values: values as never, positionals };
}

/**
 * A command's arguments (parseOptions), then a check of how many positionals it takes, named
 * so the error says which one is missing or extra (`rest`: the last one takes every word after
 * it, as a TEXT does). Errors come back as a sentence for `usageError`.
 */
export function parseCommand<O extends Options>(args: string[], options: O, positionals: readonly string[], o: { rest?: boolean } = {}): Parsed<O> {
  const parsed = parseOptions(args, options, { text: o.rest });
  if (!parsed.ok) return parsed;
  const got = parsed.positionals;
  if (got.length < positionals.length) return { ok: false, message: `${positionals[got.length]} is missing.` };
  if (got.length > positionals.length && !o.rest) return { ok: false, message: `Unexpected argument ${JSON.stringify(got[positionals.length])}.` };
  return parsed;
}

/** A line read by flag lists (`--repo` takes a value, `--stat` is a switch), for commands that name their options so. */
export interface Flags {
  positional: string[];
  values: Record<string, string>;
  switches: Set<string>;
}

/** The options of `valued` (each takes a value) and `switches`, as parseOptions reads them. */
function flagSpec(valued: readonly string[], switches: readonly string[]) {
  const spec: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const v of valued) spec[v.replace(/^--/, '')] = { type: 'string' };
  for (const s of switches) spec[s.replace(/^--/, '')] = { type: 'boolean' };
  return spec;
}

/** Why `parseFlags` refused the same arguments (given the same lists), as a sentence for the usage error. */
export function flagProblem(args: string[], valued: readonly string[], switches: readonly string[] = []): string {
  const parsed = parseOptions(args, flagSpec(valued, switches));
  return parsed.ok ? 'Wrong arguments.' : parsed.message;
}

/** The line's flags, read as parseOptions reads every line; null when wrong, and flagProblem says why. */
export function parseFlags(args: string[], valued: readonly string[], switches: readonly string[]): Flags | null {
  const parsed = parseOptions(args, flagSpec(valued, switches));
  if (!parsed.ok) return null;
  const out: Flags = { positional: parsed.positionals, values: {}, switches: new Set() };
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === 'string') out.values[name] = value;
    else if (value === true) out.switches.add(`--${name}`);
  }
  return out;
}
