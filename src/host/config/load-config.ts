import { readFileSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { GroveConfig, type ConfigProblem, type RepoConfig } from '../../shared/config';
import { DEFAULT_PORT_RANGE } from '../lanes/ports';
import { describeTemplateVariables, knownTemplateVariables, unknownTemplateVariables } from './template';

/**
 * Reads a repository's `grove.yaml` and the user's override for it, and says precisely
 * what is wrong with them: every problem names the file, the line and column, the key
 * (`setup.copy[1].to`), what is wrong and what is allowed, so an operator can fix the file
 * without reading the schema. Nothing here acts on the config; callers refuse to act while
 * `problems` is not empty. A file with problems contributes nothing to `config`.
 *
 * Each file is checked on its own (so a problem points at a line of that file), then the
 * two are merged, user over repository, and the result checked again: a problem that only
 * the combination has (the repository serves a site, the user adds a serve command) is
 * reported against the user's file, without a line.
 *
 * In the user's file a key set to null (`serve: { site: ~ }`) removes the repository's key
 * before the two are merged: the way to say "not this one" to a mapping merged key by key.
 * Nothing in grove.yaml takes null as a value, so the repository's file still refuses it.
 */

type Role = RepoConfig['files'][number]['role'];
type ConfigPath = readonly PropertyKey[];

export function overridePathFor(dataDir: string, repoName: string): string {
  return join(dataDir, 'overrides', `${repoName}.yaml`);
}

export function loadRepoConfig(mainPath: string, overridePath: string): RepoConfig {
  const repository = readConfigFile(join(mainPath, 'grove.yaml'), 'repository');
  const user = readConfigFile(overridePath, 'user');
  const problems = [...repository.problems, ...user.problems];
  let config = repository.config ?? user.config ?? {};
  if (repository.config && user.config) {
    const merged = mergeConfigs(withoutKeys(repository.config, user.removals), user.config);
    const checked = checkConfig(merged);
    if (checked.ok) {
      config = checked.config;
    } else {
      // Both files are fine on their own: the user's, laid over, is what breaks it.
      const described = checked.issues.flatMap((issue) => describeIssue(issue, [], merged));
      problems.push(...described.map((d) => ({ file: user.file.path, line: null, column: null, key: dotted(d.path), message: d.message })));
    }
  }
  // Lanes inside MAIN would be created and set up, then every agent in them refused (an
  // agent never works inside MAIN): said where it is written instead.
  if (problems.length === 0 && config.lanes?.root !== undefined) {
    const root = resolve(mainPath, config.lanes.root);
    if (root === mainPath || root.startsWith(mainPath + sep)) {
      const file = user.config?.lanes?.root !== undefined ? user.file.path : repository.file.path;
      const message = `lanes.root: ${config.lanes.root} is inside MAIN (${root}); lanes must be outside MAIN's checkout, where agents may work (the default, .., puts them beside it)`;
      return { config: {}, files: [repository.file, user.file], problems: [{ file, line: null, column: null, key: 'lanes.root', message }] };
    }
  }
  // The range in effect, defaults included: `ports.start: 50000` alone leaves the default
  // end (48999) before it, and every lane creation would fail with "no free ports".
  if (problems.length === 0) {
    const start = config.ports?.start ?? DEFAULT_PORT_RANGE.start;
    const end = config.ports?.end ?? DEFAULT_PORT_RANGE.end;
    if (end < start + 9) {
      const key = config.ports?.end === undefined ? 'ports.start' : 'ports.end';
      const file = user.config?.ports ? user.file.path : repository.file.path;
      const message = `${key}: the ports run from ${start} to ${end}${config.ports?.end === undefined ? ' (the default end)' : ''}${config.ports?.start === undefined ? ' (the default start)' : ''}, fewer than the 10 a lane takes; set ports.end to at least ${start + 9}, or ports.start to at most ${end - 9}`;
      return { config: {}, files: [repository.file, user.file], problems: [{ file, line: null, column: null, key, message }] };
    }
  }
  return { config, files: [repository.file, user.file], problems };
}

interface ConfigFile {
  file: RepoConfig['files'][number];
  /** Null when the file has problems: it contributes nothing. A missing file is `{}`. */
  config: GroveConfig | null;
  /** The user's keys set to null: the repository's keys they remove. */
  removals: ConfigPath[];
  problems: ConfigProblem[];
}

function readConfigFile(path: string, role: Role): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file: { path, exists: false, role }, config: {}, removals: [], problems: [] };
    const problem = { file: path, line: null, column: null, key: '', message: `The file cannot be read (${code ?? String(e)}); make it a readable YAML file or remove it.` };
    return { file: { path, exists: true, role }, config: null, removals: [], problems: [problem] };
  }
  const file = { path, exists: true, role };
  const checked = checkConfigText(text, path, role === 'user');
  if (checked.ok) return { file, config: checked.config, removals: checked.removals, problems: [] };
  return { file, config: null, removals: [], problems: checked.problems.sort(byPosition) };
}

/** In the order of the file, so they read top to bottom. */
function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
}

/** Checks one file's text; on success, the config it holds. */
function checkConfigText(text: string, file: string, nullRemoves: boolean): { ok: true; config: GroveConfig; removals: ConfigPath[] } | { ok: false; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined): { line: number | null; column: number | null } => {
    if (offset === undefined) return { line: null, column: null };
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ file, ...at(e.pos[0]), key: '', message: `YAML syntax error: ${syntaxMessage(e.code, e.message)}` })) };
  }
  let value: unknown;
  try {
    value = doc.toJS() ?? {}; // an empty file, or one with only comments, is an empty config
  } catch (e) {
    return { ok: false, problems: [{ file, line: null, column: null, key: '', message: `YAML syntax error: ${(e as Error).message}` }] };
  }
  const place = (d: Described) => ({ file, ...at(offsetOf(doc, text, d.path, d.points, d.text)), key: dotted(d.path), message: d.message });
  const removals: ConfigPath[] = [];
  // A key set to null is checked as a key left out: a mistyped one (`serve: { stie: ~ }`) is
  // named with the key meant, as it would be with a value, instead of removing nothing.
  const asWritten = nullRemoves ? withoutNulls(value, [], [], true) : value;
  if (nullRemoves) value = withoutNulls(value, [], removals);
  const written = checkConfig(asWritten);
  if (!written.ok) return { ok: false, problems: written.issues.flatMap((issue) => describeIssue(issue, [], asWritten)).map(place) };
  const checked = nullRemoves ? checkConfig(value) : written;
  if (!checked.ok) return { ok: false, problems: checked.issues.flatMap((issue) => describeIssue(issue, [], value)).map(place) };
  const templateProblems = templateIssues(checked.config).map(place);
  if (templateProblems.length > 0) return { ok: false, problems: templateProblems };
  return { ok: true, config: checked.config, removals };
}

function syntaxMessage(code: string, message: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key appears twice in the same mapping; keep one of them';
    case 'MULTIPLE_DOCS':
      return 'the file holds more than one YAML document (a second `---`); keep a single document';
    case 'TAB_AS_INDENT':
      return 'a tab is used for indentation; indent with spaces';
    default:
      return message;
  }
}

// Messages a schema sets itself ('a command must not be empty') are kept; zod's generic
// ones are replaced by ours, which name the key and what is allowed. This marker, set as
// the parse-level message, tells the two apart (a schema's own message takes precedence).
const GENERIC = '\u0000generic';

// The schema checks each key; this adds what involves two keys. Only the combination is
// checked, not the defaults, so a user's override can move `start` past the repository's
// default `end` when it also moves `end`.
const CheckedConfig = GroveConfig.superRefine((config, ctx) => {
  const { start, end } = config.ports ?? {};
  if (start !== undefined && end !== undefined && end < start + 9) {
    ctx.addIssue({ code: 'custom', path: ['ports', 'end'], input: end, message: `ports.end: ${end} leaves fewer than 10 ports after ports.start (${start}); each lane takes a block of 10, so use at least ${start + 9}` });
  }
});

function checkConfig(value: unknown): { ok: true; config: GroveConfig } | { ok: false; issues: z.core.$ZodIssue[] } {
  const r = CheckedConfig.safeParse(value, { error: () => GENERIC });
  return r.success ? { ok: true, config: r.data } : { ok: false, issues: r.error.issues };
}

/** Objects merged key by key; arrays and scalars from `over` replace those of `base`. */
function mergeConfigs(base: GroveConfig, over: GroveConfig): GroveConfig {
  return mergeValues(base, over) as GroveConfig;
}

function mergeValues(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = mergeValues(base[key], value);
  return merged;
}

/**
 * `value` without the keys of its mappings set to null, each one's path added to `removed`;
 * with `keepAsAbsent`, those keys stay, undefined, so a strict schema still names an unknown one.
 */
function withoutNulls(value: unknown, path: ConfigPath, removed: ConfigPath[], keepAsAbsent = false): unknown {
  if (!isPlainObject(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) {
      removed.push([...path, key]);
      if (keepAsAbsent) kept[key] = undefined;
    } else kept[key] = withoutNulls(v, [...path, key], removed, keepAsAbsent);
  }
  return kept;
}

/** `config` without the keys at `paths` (a path through something that is not a mapping removes nothing). */
function withoutKeys(config: GroveConfig, paths: readonly ConfigPath[]): GroveConfig {
  const drop = (value: unknown, path: ConfigPath): unknown => {
    if (!isPlainObject(value) || path.length === 0) return value;
    const [key, ...rest] = path as [string, ...PropertyKey[]];
    if (!(key in value)) return value;
    const copy = { ...value };
    if (rest.length === 0) delete copy[key];
    else copy[key] = drop(value[key], rest);
    return copy;
  };
  return paths.reduce<unknown>((c, p) => drop(c, p), config) as GroveConfig;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ——— Messages ———

/** A problem before it is placed in a file. */
interface Described {
  path: ConfigPath;
  message: string;
  /** Place it at the key itself (an unknown key) rather than at the key's value. */
  points: 'key' | 'value';
  /** Text inside the value to point at, e.g. `{{foo}}`. */
  text?: RegExp;
}

function describeIssue(issue: z.core.$ZodIssue, base: ConfigPath, root: unknown): Described[] {
  const path = [...base, ...issue.path];
  const key = dotted(path);
  const value = valueAt(root, path);
  const custom = issue.message === GENERIC ? null : issue.message;
  const expected = () => expectedAt(path);
  switch (issue.code) {
    case 'invalid_union': {
      // For a copy entry written as a mapping, the string branch is not what was meant:
      // report the problems of the branch whose type matched, if exactly one did.
      const matched = issue.errors.filter((branch) => !branch.some((e) => e.path.length === 0 && e.code === 'invalid_type'));
      if (matched.length === 1) return matched[0]!.flatMap((e) => describeIssue(e, path, root));
      // Mappings of different shapes (a command probe or an HTTP probe): the branch meant is
      // the one whose required keys are all there.
      const complete = matched.filter((branch) => !branch.some((e) => e.path.length === 1 && e.code === 'invalid_type' && valueAt(value, e.path) === undefined));
      if (complete.length === 1) return complete[0]!.flatMap((e) => describeIssue(e, path, root));
      return [{ path, points: 'value', message: `${mismatch(key, value)}; use ${expected()}` }];
    }
    case 'unrecognized_keys':
      return issue.keys.map((name) => {
        const allowed = allowedKeysAt(path);
        const suggestion = closestKey(name, allowed);
        const where = (k: string) => dotted([...path, k]);
        const hint = suggestion ? `did you mean ${where(suggestion)}? Allowed here` : 'allowed here';
        return { path: [...path, name], points: 'key' as const, message: `${where(name)} is not a grove.yaml key; ${hint}: ${allowed.join(', ')}` };
      });
    case 'invalid_key': {
      const parent = dotted(path.slice(0, -1));
      const why = issue.issues.map((i) => i.message).find((m) => m !== GENERIC) ?? 'use letters, digits and _';
      return [{ path, points: 'key', message: `${parent}: ${show(path.at(-1))} is not allowed as a key; ${why}` }];
    }
    case 'custom': // a rule across keys, e.g. serve.site with serve.command
      if (custom === null) return [{ path, points: 'value', message: `${key} is not allowed here` }];
      return [{ path, points: 'value', message: key === '' || custom.startsWith(key) ? custom : `${key}: ${custom}` }];
    case 'invalid_type':
      if (value === undefined) return [{ path, points: 'value', message: `${key} is required; give ${expected()}` }];
      if (issue.expected === 'int' && typeof value === 'number') return [{ path, points: 'value', message: `${key}: ${value} is not a whole number; use ${expected()}` }];
      return [{ path, points: 'value', message: `${mismatch(key, value)}; use ${expected()}${quoteHint(issue.expected, value)}` }];
    case 'invalid_value':
      return [{ path, points: 'value', message: `${key}: ${show(value)} is not allowed; use ${issue.values.length > 1 ? 'one of ' : ''}${issue.values.map(String).join(', ')}` }];
    default:
      if (value === '') return [{ path, points: 'value', message: `${key} is empty; ${custom ?? `use ${expected()}`}` }];
      return [{ path, points: 'value', message: `${key}: ${show(value)} is not allowed; ${custom ?? `use ${expected()}`}` }];
  }
}

/** `ports.end: "x" is a string`, `setup is empty`, `setup.copy is a mapping`. */
function mismatch(key: string, value: unknown): string {
  const subject = key === '' ? 'the file' : key;
  if (value === null) return `${subject} is empty`;
  if (Array.isArray(value)) return `${subject} is a list`;
  if (typeof value === 'object') return `${subject} is a mapping`;
  return `${subject}: ${show(value)} is a ${typeof value}`;
}

/** YAML reads `true` and `8080` as a boolean and a number; a dotenv value wants the text. */
function quoteHint(expected: string, value: unknown): string {
  return expected === 'string' && (typeof value === 'number' || typeof value === 'boolean') ? ` (quote it: "${String(value)}")` : '';
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function templateIssues(config: GroveConfig): Described[] {
  const templated: Array<{ path: ConfigPath; text: string }> = [];
  config.setup?.copy?.forEach((entry, i) => {
    if (typeof entry === 'string') return;
    if (entry.to !== undefined) templated.push({ path: ['setup', 'copy', i, 'to'], text: entry.to });
    for (const [name, text] of Object.entries(entry.set ?? {})) templated.push({ path: ['setup', 'copy', i, 'set', name], text });
  });
  const serve = config.serve;
  if (serve?.site) for (const k of ['link', 'unlink', 'url'] as const) templated.push({ path: ['serve', 'site', k], text: serve.site[k] });
  if (serve?.command !== undefined) templated.push({ path: ['serve', 'command'], text: serve.command });
  if (serve?.url !== undefined) templated.push({ path: ['serve', 'url'], text: serve.url });
  if (config.ops) templated.push({ path: ['ops', 'command'], text: config.ops.command });
  // Commands that are run as written: a template there would reach the shell as the text
  // `{{lane}}` (a database named app_{{lane}}, shared by every lane). A `{{.Name}}` (a Go
  // template, docker's or kubectl's) is theirs, and left alone.
  const literal: Array<{ path: ConfigPath; text: string }> = [];
  for (const key of ['preCreate', 'postCreate', 'teardown'] as const) config.setup?.[key]?.forEach((text, i) => literal.push({ path: ['setup', key, i], text }));
  if (config.merge?.check !== undefined) literal.push({ path: ['merge', 'check'], text: config.merge.check });
  if (config.merge?.gate !== undefined) literal.push({ path: ['merge', 'gate'], text: config.merge.gate });
  config.health?.probes?.forEach((probe, i) => {
    if ('command' in probe && typeof probe.command === 'string') literal.push({ path: ['health', 'probes', i, 'command'], text: probe.command });
  });
  const at = (name: string): RegExp => new RegExp(`\\{\\{\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\}\\}`);
  return [
    ...templated.flatMap(({ path, text }) =>
      unknownTemplateVariables(text).map((name) => ({
        path,
        points: 'value' as const,
        text: at(name),
        message: `${dotted(path)}: {{${name}}} is not a template variable; use ${describeTemplateVariables()}`,
      })),
    ),
    ...literal.flatMap(({ path, text }) =>
      knownTemplateVariables(text).map((name) => ({
        path,
        points: 'value' as const,
        text: at(name),
        message: `${dotted(path)}: {{${name}}} is not filled in here (templates are for serve, ops.command and copied files); read the value from the command's environment instead: $GROVE_LANE_NAME, $GROVE_BRANCH, $GROVE_PORT in a lane, $GROVE_REPO and $GROVE_MAIN everywhere`,
      })),
    ),
  ];
}

// ——— The schema, walked to say what is allowed at a path ———

function expectedAt(path: ConfigPath): string {
  const schema = schemaAt(path);
  return schema ? expectedOf(schema) : 'a valid value';
}

function allowedKeysAt(path: ConfigPath): string[] {
  const schema = schemaAt(path);
  const object = schema instanceof z.ZodUnion ? (schema.options as z.ZodType[]).map(unwrap).find((o) => o instanceof z.ZodObject) : schema;
  return object instanceof z.ZodObject ? Object.keys(object.shape) : [];
}

function schemaAt(path: ConfigPath): z.ZodType | undefined {
  let schema: z.ZodType | undefined = GroveConfig;
  for (const segment of path) schema = schema && childOf(unwrap(schema), segment);
  return schema && unwrap(schema);
}

function childOf(schema: z.ZodType, segment: PropertyKey): z.ZodType | undefined {
  if (schema instanceof z.ZodObject) return typeof segment === 'string' ? (schema.shape as Record<string, z.ZodType>)[segment] : undefined;
  if (schema instanceof z.ZodArray) return typeof segment === 'number' ? (schema.element as z.ZodType) : undefined;
  if (schema instanceof z.ZodRecord) return schema.valueType as z.ZodType;
  if (schema instanceof z.ZodUnion) {
    for (const option of schema.options as z.ZodType[]) {
      const child = childOf(unwrap(option), segment);
      if (child) return child;
    }
  }
  return undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional ? unwrap(schema.unwrap() as z.ZodType) : schema;
}

/** What a schema accepts, in words: `a whole number from 1024 to 65525`. */
function expectedOf(schema: z.ZodType): string {
  if (schema instanceof z.ZodString) return schema.minLength ? 'a non-empty string' : 'a string';
  if (schema instanceof z.ZodNumber) {
    const kind = schema.isInt ? 'a whole number' : 'a number';
    const { minValue: min, maxValue: max } = schema;
    const bounded = (n: number | null) => n !== null && Number.isFinite(n) && Math.abs(n) < Number.MAX_SAFE_INTEGER;
    if (bounded(min) && bounded(max)) return `${kind} from ${min} to ${max}`;
    if (bounded(min)) return `${kind} of at least ${min}`;
    return kind;
  }
  if (schema instanceof z.ZodBoolean) return 'true or false';
  if (schema instanceof z.ZodEnum) return `one of ${schema.options.join(', ')}`;
  if (schema instanceof z.ZodArray) return `a list, each item ${expectedOf(unwrap(schema.element as z.ZodType))}`;
  if (schema instanceof z.ZodRecord) return `a mapping whose values are each ${expectedOf(unwrap(schema.valueType as z.ZodType))}`;
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).map((o) => expectedOf(unwrap(o))).join(' or ');
  if (schema instanceof z.ZodObject) {
    const shape = schema.shape as Record<string, z.ZodType>;
    const required = Object.keys(shape).filter((k) => !(shape[k] instanceof z.ZodOptional));
    const optional = Object.keys(shape).filter((k) => shape[k] instanceof z.ZodOptional);
    if (required.length === 0) return `a mapping with some of ${optional.join(', ')}`;
    return `a mapping with ${required.join(', ')}${optional.length ? ` and optionally ${optional.join(', ')}` : ''}`;
  }
  return 'a valid value';
}

/** The allowed key a typo most likely meant: same letters in another case, or at most two edits away. */
function closestKey(unknown: string, allowed: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of allowed) {
    const distance = key.toLowerCase() === unknown.toLowerCase() ? 0 : editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (distance <= Math.min(2, Math.floor(key.length / 2)) && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// ——— Paths and positions ———

/** `setup.copy[1].to`; empty for the document itself. */
function dotted(path: ConfigPath): string {
  return path.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : `${i === 0 ? '' : '.'}${String(seg)}`)).join('');
}

function valueAt(root: unknown, path: ConfigPath): unknown {
  let value = root;
  for (const seg of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[seg];
  }
  return value;
}

/**
 * The source offset of the node at `path`, or of the nearest parent that exists (a missing
 * key is reported where it should have been). An empty value (`setup:` and nothing) is
 * reported at its key; `text` narrows a value down to the part of it that is wrong.
 */
function offsetOf(doc: Document, source: string, path: ConfigPath, points: 'key' | 'value', text?: RegExp): number | undefined {
  let node: unknown = doc.contents;
  let key: unknown; // the key that led to `node`; none for a list item or the document
  let found = 0;
  for (const seg of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair) break;
      ({ key, value: node } = pair);
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      key = undefined;
    } else {
      break;
    }
    found++;
  }
  const keyStart = isNode(key) ? key.range?.[0] : undefined;
  const range = isNode(node) ? node.range : undefined;
  if (found < path.length || points === 'key') return keyStart ?? range?.[0];
  if (!range || range[0] === range[1]) return keyStart ?? range?.[0];
  const inside = text?.exec(source.slice(range[0], range[1]));
  return range[0] + (inside?.index ?? 0);
}
