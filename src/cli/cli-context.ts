import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveDataDir } from '../host-client/data-dir';

/** What every verb needs: where the data dir is, how to print, where the built host lives. */
export interface CliContext {
  dataDir: string;
  json: boolean;
  out: (text: string) => void;
  errOut: (text: string) => void;
  /** out/host/main.js beside this build of the CLI. */
  hostEntry: string;
}

export function cliContext(home: string | undefined, json: boolean): CliContext {
  const here = dirname(fileURLToPath(import.meta.url));
  return {
    dataDir: resolveDataDir(process.env, home),
    json,
    out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
    errOut: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
    hostEntry: join(here, '..', 'host', 'main.js'),
  };
}
