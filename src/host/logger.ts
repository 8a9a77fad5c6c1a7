/**
 * The host's log: one JSON object per line on stdout (the data dir's log file when the host
 * runs detached). Every secret handed to it is masked wherever it appears, so a token that
 * slips into an error message never reaches the log.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  addSecret(secret: string): void;
}

export function maskSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 8) out = out.split(s).join(`${s.slice(0, 2)}…(masked)`);
  }
  return out;
}

export function createLogger(
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  minLevel: LogLevel = 'info',
): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const secrets = new Set<string>();
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (order.indexOf(level) < order.indexOf(minLevel)) return;
    const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...fields });
    write(maskSecrets(line, secrets));
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    addSecret: (s) => {
      secrets.add(s);
      // The line is masked once written as JSON, where a secret holding `"`, `\` or a control
      // character appears escaped: that form is masked too.
      secrets.add(JSON.stringify(s).slice(1, -1));
    },
  };
}
