import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';

/** The host's command-line options, shared by `node out/host/main.js` and `grove host`. */
export interface HostOptions {
  home?: string;
  port?: number;
  allowedHosts: string[];
  /** Print the browser login URL (with the token) on stdout: only for a foreground host. */
  printLoginUrl: boolean;
}

export const HOST_USAGE = `Usage: grove host [--port N] [--home DIR] [--allow-host NAME]...
  --port N           listen on 127.0.0.1:N (default: the last port used, else a free one)
  --home DIR         data dir (default: $GROVE_HOME, else ~/.grove)
  --allow-host NAME  also accept requests addressed to NAME (e.g. through an SSH tunnel)`;

export function parseHostOptions(argv: readonly string[]): Result<HostOptions, string> {
  const opts: HostOptions = { allowedHosts: [], printLoginUrl: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string | undefined => argv[++i];
    switch (arg) {
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!v || !Number.isInteger(n) || n < 1 || n > 65535) {
          return err(`--port takes a port number from 1 to 65535, not ${JSON.stringify(v ?? '')}.`);
        }
        opts.port = n;
        break;
      }
      case '--home': {
        const v = value();
        if (!v) return err('--home takes a directory.');
        opts.home = v;
        break;
      }
      case '--allow-host': {
        const v = value();
        if (!v || !/^[A-Za-z0-9.-]+$/.test(v)) {
          return err(`--allow-host takes a host name (letters, digits, dots, dashes), not ${JSON.stringify(v ?? '')}.`);
        }
        opts.allowedHosts.push(v.toLowerCase());
        break;
      }
      case '--print-login-url':
        opts.printLoginUrl = true;
        break;
      default:
        return err(`Unknown option ${JSON.stringify(arg)}.\n${HOST_USAGE}`);
    }
  }
  return ok(opts);
}
