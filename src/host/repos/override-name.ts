/**
 * The file name (without `.yaml`) of a repository's user override in
 * `$GROVE_HOME/overrides/`: the repository's name, or `<name>-2`, `<name>-3`… when another
 * registered repository holds that one. Two MAINs named `api` (`~/work/api`, `~/oss/api`)
 * used to share `api.yaml`, so one's override ran in the other. Kept with the repository
 * from its registration, so a later registration never moves it; a repository removed and
 * registered again gets its old file back when nothing took the name meanwhile.
 */
export function freeOverrideName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) if (!taken.has(`${name}-${n}`)) return `${name}-${n}`;
}
