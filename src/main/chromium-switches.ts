/**
 * The Chromium features the app's window runs without, and why. Kept free of Electron so
 * the shell's command line is decided (and tested) under Node; the benchmark starts its
 * "app window" browser with the same list.
 *
 * BackgroundResourceFetch: with it on, Chromium never uses V8's code cache for module
 * scripts. It writes the cache on the second load and then compiles every module anew on
 * each load, where a classic script's cache is read back. The UI is module scripts, so every
 * start of the window compiled ~200 KB of script before its first paint (20-40 ms of
 * streaming compile on a 2-core machine) and compiled the first render's functions on the
 * main thread. Seen in Chromium 141 (the engine closest to this Electron's) and 150, in
 * their traces: `v8.compileModule` has no `consumedCacheSize` until this feature is off,
 * then "script has code-cache available". `npm run bench -- ui` measures the window with
 * and without it. Turning it off only moves resource responses back to the page's main
 * thread, which for one local host's few files costs nothing measurable.
 */
export const DISABLED_FEATURES: readonly string[] = ['BackgroundResourceFetch'];

/** The part of Electron's `app.commandLine` this needs. */
export interface CommandLine {
  getSwitchValue(name: string): string;
  appendSwitch(name: string, value?: string): void;
}

/**
 * Adds DISABLED_FEATURES to the command line's `--disable-features`, keeping any the app
 * was started with: Chromium reads only the last value of a switch, so a second switch
 * would drop the user's.
 */
export function disableFeatures(commandLine: CommandLine, features: readonly string[] = DISABLED_FEATURES): void {
  const current = commandLine.getSwitchValue('disable-features').split(',').map((f) => f.trim()).filter((f) => f !== '');
  const merged = [...current, ...features.filter((f) => !current.includes(f))];
  commandLine.appendSwitch('disable-features', merged.join(','));
}
