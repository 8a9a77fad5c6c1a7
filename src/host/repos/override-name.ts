/**
 * The file name (without `.yaml`) of a repository's user override in
 * `$GROVE_HOME/overrides/`: the repository's name, or `<name>-2`, `<name>-3`… when another
 * registered repository holds that one. Two MAINs named `api` (`~/work/api`, `~/oss/api`)
 * used to share `api.yaml`, so one's override ran in the other. Kept with the repository
 * from its registration, so a later registration never moves it; a repository removed and
 * registered again gets its old file back when nothing took the name meanwhile.
 *
 * Names are compared without case: `API.yaml` and `api.yaml` are one file on macOS's and
 * Windows' usual file systems. `taken` holds names already given, in lower case.
 */
export function freeOverrideName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}-${n}`.toLowerCase())) return `${name}-${n}`;
}

/**
 * Names for repositories registered before each had its own (migration 18), in the order
 * they were added: every repository whose name no earlier one has keeps its name, so a
 * repository literally named `api-2` keeps reading `api-2.yaml`; only the later ones of a
 * shared name get a suffix, skipping every name kept.
 */
export function assignOverrideNames(repos: readonly { id: string; name: string }[]): Map<string, string> {
  const out = new Map<string, string>();
  const taken = new Set<string>();
  const later: { id: string; name: string }[] = [];
  for (const r of repos) {
    if (taken.has(r.name.toLowerCase())) later.push(r);
    else {
      taken.add(r.name.toLowerCase());
      out.set(r.id, r.name);
    }
  }
  for (const r of later) {
    const name = freeOverrideName(r.name, taken);
    taken.add(name.toLowerCase());
    out.set(r.id, name);
  }
  return out;
}
