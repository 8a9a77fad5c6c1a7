import { createHash } from 'node:crypto';
import type { GroveConfig } from '../../shared/config';
import { isCommandProbe } from '../../shared/health';
import type { CommandChange, CommandEntry } from '../../shared/trust';

/**
 * What trust is bound to: every value of the merged grove.yaml (repository file with the
 * user's override laid over it) that makes Grove run something or read and write files —
 * setup.copy, setup.link, setup.preCreate/postCreate/teardown, serve (site link/unlink/url,
 * command, url), merge.check, merge.gate, every probe's command or HTTP request, ops.command,
 * lanes.root (where worktrees are written), what loosens confinement (lanes.confine,
 * lanes.writable, merge.confine) and, since version 2, what withholds from agents
 * (lanes.keyless, setup.stripKeys, lanes.hidden, lanes.network): taking a key out of
 * stripKeys hands it to the next agent as surely as a new command would, so a pulled change
 * to them is reviewed like one; one that only withholds more is taken as trusted
 * (trusted-withholding.ts). Numbers that only tune them (timeouts, intervals, ports, strategy) are left out, so
 * changing them asks nothing.
 *
 * The digest is taken over the parsed values, not the file's text: each entry is a key
 * (probes by name, lists by position, because order is the order they run in) and its
 * value; the entries are sorted by key and hashed as JSON with sha256. Reformatting the
 * YAML, moving keys or comments, or reordering probes keeps the digest; changing, adding or
 * removing any command changes it.
 */

const DIGEST_VERSION = 2;

/** What version 2 added: the settings that withhold from agents. */
const WITHHOLDING = /^(lanes\.keyless|lanes\.hidden\[|lanes\.network|setup\.stripKeys\[)/;

/** Whether an entry is one of the settings that withhold from agents. */
export const isWithholding = (entry: CommandEntry): boolean => WITHHOLDING.test(entry.key);

export function commandEntries(config: GroveConfig): CommandEntry[] {
  const out: CommandEntry[] = [];
  const add = (key: string, role: string, value: string | undefined) => {
    if (value !== undefined) out.push({ key, role, value });
  };
  add('lanes.root', 'where lanes are created', config.lanes?.root);
  // Not commands, but what loosens an agent's confinement: a change is reviewed like one.
  if (config.lanes?.confine === false) add('lanes.confine', 'agents in lanes run unconfined', 'false');
  config.lanes?.writable?.forEach((path, i) => add(`lanes.writable[${i}]`, 'writable by confined agents', path));
  // What withholds from agents, each as it departs from the default (which withholds nothing).
  if (config.lanes?.keyless === true) add('lanes.keyless', 'new lanes are key-less (their copies lose setup.stripKeys)', 'true');
  config.setup?.stripKeys?.forEach((key, i) => add(`setup.stripKeys[${i}]`, 'withheld from key-less lanes', key));
  config.lanes?.hidden?.forEach((path, i) => add(`lanes.hidden[${i}]`, 'hidden from confined agents', path));
  if (config.lanes?.network !== undefined && config.lanes.network !== 'open') add('lanes.network', "confined agents' network", config.lanes.network);
  const setup = config.setup;
  setup?.copy?.forEach((entry, i) => add(`setup.copy[${i}]`, 'copied from MAIN into each new lane', describeCopy(entry)));
  setup?.link?.forEach((path, i) => add(`setup.link[${i}]`, 'symlinked from MAIN into each new lane', path));
  setup?.preCreate?.forEach((c, i) => add(`setup.preCreate[${i}]`, 'run in MAIN before a lane is created', c));
  setup?.postCreate?.forEach((c, i) => add(`setup.postCreate[${i}]`, 'run in each new lane', c));
  setup?.teardown?.forEach((c, i) => add(`setup.teardown[${i}]`, 'run in a lane before it is removed', c));
  const serve = config.serve;
  add('serve.site.link', 'run in a lane to serve it', serve?.site?.link);
  add('serve.site.unlink', 'run in a lane to stop serving it', serve?.site?.unlink);
  add('serve.site.url', 'where a served lane answers', serve?.site?.url);
  add('serve.command', 'the server run for a served lane', serve?.command);
  add('serve.url', 'where a served lane answers', serve?.url);
  add('merge.check', 'run in a lane before it merges', config.merge?.check);
  if (config.merge?.confine === false) add('merge.confine', 'merge.check runs unconfined', 'false');
  add('merge.gate', 'run in MAIN after a merge', config.merge?.gate);
  for (const probe of config.health?.probes ?? []) {
    if (isCommandProbe(probe)) add(`health.probes[${probe.name}].command`, 'probe, run in MAIN', probe.command);
    else add(`health.probes[${probe.name}].http`, 'probe, an HTTP request', `${probe.http.method ?? 'GET'} ${probe.http.url}`);
  }
  add('ops.command', 'the ops loop agent, run in its checkout', config.ops?.command);
  // Not a command, but where one runs: `main` puts the ops agent in MAIN itself.
  add('ops.checkout', 'where the ops loop agent runs (worktree: its own checkout; main: MAIN itself)', config.ops?.checkout);
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * One unambiguous line per copy entry: a plain path as a JSON string, an entry with options
 * as a JSON object in a fixed key order, so no two different entries read (or hash) alike.
 */
function describeCopy(entry: NonNullable<NonNullable<GroveConfig['setup']>['copy']>[number]): string {
  if (typeof entry === 'string') return JSON.stringify(entry);
  const set = Object.entries(entry.set ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify({ from: entry.from, to: entry.to ?? null, template: entry.template ?? false, set: Object.fromEntries(set) });
}

/** sha256 (hex) of the entries, in key order; see the top of this file. */
export function commandDigest(entries: readonly CommandEntry[]): string {
  return digestAt(DIGEST_VERSION, entries);
}

/**
 * The digest version 1 took of the same entries (no withholding settings): a trust given
 * before version 2 is carried over when it is this one (repo-trust.ts), since the operator
 * trusted exactly these commands and the withholding now in force is what they run with.
 */
export function firstVersionDigest(entries: readonly CommandEntry[]): string {
  return digestAt(1, entries.filter((e) => !isWithholding(e)));
}

function digestAt(version: number, entries: readonly CommandEntry[]): string {
  const canonical = JSON.stringify({ v: version, commands: [...entries].sort((a, b) => (a.key < b.key ? -1 : 1)).map((e) => [e.key, e.value]) });
  return createHash('sha256').update(canonical).digest('hex');
}

/** Trusted vs current, by key, in key order. */
export function diffCommands(before: readonly CommandEntry[], after: readonly CommandEntry[]): CommandChange[] {
  const old = new Map(before.map((e) => [e.key, e]));
  const now = new Map(after.map((e) => [e.key, e]));
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  return keys.flatMap((key) => {
    const b = old.get(key);
    const a = now.get(key);
    if (b?.value === a?.value) return [];
    return [{ key, role: (a ?? b)!.role, before: b?.value ?? null, after: a?.value ?? null }];
  });
}

/** The change in lines an operator reads: `- merge.gate: old`, `+ merge.gate: new`. */
export function describeChanges(changes: readonly CommandChange[]): string[] {
  return changes.flatMap((c) => [...(c.before !== null ? [`- ${c.key}: ${c.before}`] : []), ...(c.after !== null ? [`+ ${c.key}: ${c.after}`] : [])]);
}

/**
 * The config with every command taken out and what withholds kept: what an untrusted
 * repository may still use (ports, key-less lanes and the keys they lose, timeouts), for a
 * lane created without recipes.
 */
export function withoutCommands(config: GroveConfig): GroveConfig {
  const { lanes, setup, merge, ports } = config;
  const out: GroveConfig = {};
  if (lanes?.keyless !== undefined) out.lanes = { keyless: lanes.keyless };
  if (setup) {
    const kept = { ...(setup.stripKeys ? { stripKeys: setup.stripKeys } : {}), ...(setup.timeoutSeconds !== undefined ? { timeoutSeconds: setup.timeoutSeconds } : {}) };
    if (Object.keys(kept).length > 0) out.setup = kept;
  }
  if (ports) out.ports = ports;
  if (merge) {
    const { check: _check, gate: _gate, ...rest } = merge;
    if (Object.keys(rest).length > 0) out.merge = rest;
  }
  return out;
}
