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

/** Shorter values are left alone: masking every `dev` or `1234` in a command's output would hide more than it keeps (docs/configuration.md). */
export const MIN_MASKED = 8;

/**
 * Every secret in `text` masked. Longest first: a secret inside a longer one (a key in a DSN
 * that holds it) masked first would change the longer one, which then would not match.
 */
export function maskSecrets(text: string, secrets: Iterable<string>, minLength = MIN_MASKED): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s.length >= minLength) out = out.split(s).join(`${s.slice(0, 2)}…(masked)`);
  }
  return out;
}

export function createLogger(
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
  minLevel: LogLevel = 'info',
): Logger {
  const order: LogLevel[] = ['debug', 'info', 'warn', 'error'];
  const secrets = new Set<string>();
  // Every string masked before the line is made JSON: masked after, a secret appears escaped
  // (`"`, `\`), and a mask cutting an escape in two left a line that is not JSON. The secrets
  // handed here (the token, the sync password) are masked whatever their length.
  const masked = (value: unknown): unknown => {
    const v = value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value;
    if (typeof v === 'string') return secrets.size > 0 ? maskSecrets(v, secrets, 1) : v;
    if (Array.isArray(v)) return v.map(masked);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, masked(x)]));
    return v;
  };
  const log = (level: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (order.indexOf(level) < order.indexOf(minLevel)) return;
    write(JSON.stringify({ t: new Date().toISOString(), level, msg: masked(msg), ...(masked(fields ?? {}) as Record<string, unknown>) }));
  };
  return {
    debug: (m, f) => log('debug', m, f),
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    addSecret: (s) => {
      if (s !== '') secrets.add(s);
    },
  };
}
