import type { GroveConfig } from '../../shared/config';
import type { LaneNetwork } from '../../shared/lanes';
import type { CommandEntry } from '../../shared/trust';
import { commandDigest, isWithholding } from './command-digest';

/**
 * Any grove.yaml, trusted or not, may withhold more from agents; only a trusted one may
 * withhold less. A trust stores the entries it was given (command-digest.ts), the withholding
 * settings among them, so while the file differs from what was trusted the withholding in
 * force is read back from those entries and laid over the current file's: keys and hidden
 * paths from both, key-less if either says so, the stricter network. Where the file is the
 * trusted one the two agree, and nothing changes.
 */
export function withTrustedWithholding(config: GroveConfig, trusted: readonly CommandEntry[]): GroveConfig {
  const then = withholdingOf(trusted);
  const stripKeys = union(config.setup?.stripKeys, then.stripKeys);
  const hidden = union(config.lanes?.hidden, then.hidden);
  const keyless = config.lanes?.keyless === true || then.keyless;
  const network = stricter(config.lanes?.network, then.network);
  const lanes = { ...config.lanes, ...(keyless ? { keyless } : {}), ...(hidden ? { hidden } : {}), ...(network ? { network } : {}) };
  const setup = stripKeys ? { ...config.setup, stripKeys } : config.setup;
  return { ...config, ...(Object.keys(lanes).length > 0 ? { lanes } : {}), ...(setup ? { setup } : {}) };
}

/**
 * What confines agents while the repository's recipe is not trusted as it stands (or cannot
 * be read): `tightened`, what the last recipe read without problems tightened, with what the
 * last trust withheld laid over it, and the files a key-less lane's copies came from as that
 * trust listed them (`setup.copy`): hidden from its agents even before any recipe was read
 * without problems. null for neither (the defaults).
 */
export function untrustedConfinement(tightened: GroveConfig | undefined, trusted: readonly CommandEntry[]): GroveConfig | null {
  if (!tightened && trusted.length === 0) return null;
  const config = withTrustedWithholding(tightened ?? {}, trusted);
  const copy = [...new Set([...(config.setup?.copy ?? []).map((c) => (typeof c === 'string' ? c : c.from)), ...withholdingOf(trusted).copiedFrom])];
  return copy.length > 0 ? { ...config, setup: { ...config.setup, copy } } : config;
}

/** Where a trusted `setup.copy` entry (command-digest.ts describeCopy: a JSON string or object) copies from. */
function copySource(value: string): string[] {
  try {
    const entry = JSON.parse(value) as unknown;
    if (typeof entry === 'string') return [entry];
    const from = (entry as { from?: unknown } | null)?.from;
    return typeof from === 'string' ? [from] : [];
  } catch {
    return [];
  }
}

/** What a set of entries (command-digest.ts) withholds: the one reading of them both functions here use. */
function withholdingOf(entries: readonly CommandEntry[]): { stripKeys: string[]; hidden: string[]; keyless: boolean; network: LaneNetwork | undefined; copiedFrom: string[] } {
  const listed = (prefix: string) => entries.filter((e) => e.key.startsWith(prefix)).map((e) => e.value);
  return {
    stripKeys: listed('setup.stripKeys['),
    hidden: listed('lanes.hidden['),
    keyless: entries.some((e) => e.key === 'lanes.keyless'),
    network: entries.find((e) => e.key === 'lanes.network')?.value as LaneNetwork | undefined,
    copiedFrom: listed('setup.copy[').flatMap(copySource),
  };
}

function union(now: readonly string[] | undefined, then: readonly string[]): string[] | undefined {
  const all = [...new Set([...(now ?? []), ...then])];
  return all.length > 0 ? all : undefined;
}

const STRICTNESS: Record<LaneNetwork, number> = { open: 0, loopback: 1, none: 2 };

function stricter(a: LaneNetwork | undefined, b: LaneNetwork | undefined): LaneNetwork | undefined {
  if (a === undefined || b === undefined) return a ?? b;
  return STRICTNESS[a] >= STRICTNESS[b] ? a : b;
}

/**
 * Whether `current` is what was trusted (`trusted`, hashed to `trustedDigest`) but for
 * withholding more from agents: every command the same, every key and hidden path still
 * there, still key-less if it was, a network at least as strict. Such a change is taken as
 * trusted without asking (it hands an agent nothing); any other change waits for a trust.
 */
export function onlyWithholdsMore(current: readonly CommandEntry[], trusted: readonly CommandEntry[], trustedDigest: string | null): boolean {
  if (trustedDigest === null) return false;
  // The same commands: with the trusted withholding put back, the digest is the trusted one.
  if (commandDigest([...current.filter((e) => !isWithholding(e)), ...trusted.filter(isWithholding)]) !== trustedDigest) return false;
  const now = withholdingOf(current);
  const then = withholdingOf(trusted);
  const keptAll = (a: readonly string[], b: readonly string[]) => b.every((v) => a.includes(v));
  return (
    keptAll(now.stripKeys, then.stripKeys) &&
    keptAll(now.hidden, then.hidden) &&
    (now.keyless || !then.keyless) &&
    STRICTNESS[now.network ?? 'open'] >= STRICTNESS[then.network ?? 'open']
  );
}
