/**
 * An agent's environment: the user's, plus the agent's own additions and identity, minus
 * what its lane withholds. Pure, so the launch dialog's preview shows exactly what the
 * launch will do.
 */
export interface EnvInputs {
  base: NodeJS.ProcessEnv;
  extra: Record<string, string>;
  withhold: readonly string[];
  agentId: string;
  agentToken: string;
  hostUrl: string;
  lanePath: string;
}

export function agentEnv(i: EnvInputs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.base)) if (v !== undefined) env[k] = v;
  Object.assign(env, i.extra, {
    GROVE_AGENT_ID: i.agentId,
    GROVE_AGENT_TOKEN: i.agentToken,
    GROVE_URL: i.hostUrl,
    GROVE_LANE: i.lanePath,
    TERM: 'xterm-256color',
    COLORTERM: 'truecolor',
  });
  // Never hand an agent the operator's token, the way to it (GROVE_HOME names the data dir,
  // which holds the token file) or the shell's internals. The agent reaches the host with
  // its own token and GROVE_URL.
  delete env.GROVE_TOKEN;
  delete env.GROVE_HOME;
  // The shared MySQL's password (docs/sync.md) is the host's alone.
  delete env.GROVE_SYNC_PASSWORD;
  delete env.ELECTRON_RUN_AS_NODE;
  for (const key of i.withhold) delete env[key];
  return env;
}

/**
 * Names that hold secrets by convention; their values are never shown, only their presence.
 * `_PWD` as MYSQL_PWD has it (PWD and OLDPWD, the shell's folders, are not secrets).
 */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|DSN|_PWD$)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A URL's password (`postgres://user:PASSWORD@host/db`): the first group is what comes before it. */
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@:\s]*:)([^/?#@\s]+)@/i;

/** The password a URL in the value carries, or null: DATABASE_URL, REDIS_URL and their kind hold one whatever their name says. */
export function urlPassword(value: string): string | null {
  return URL_PASSWORD.exec(value)?.[2] ?? null;
}

/** Whether a variable holds a secret, by its name or by a password in a URL it holds. */
export function isSecretVariable(name: string, value: string | undefined): boolean {
  return isSecretName(name) || (value !== undefined && urlPassword(value) !== null);
}

/**
 * What a variable's value hides when it is shown or found in text: the whole value of a
 * secret-named one; the password and the URL holding it of another.
 */
export function secretsOf(name: string, value: string | undefined): string[] {
  if (!value) return [];
  if (isSecretName(name)) return [value];
  const password = urlPassword(value);
  return password === null ? [] : [value, password];
}

export function maskedEnv(env: Record<string, string>): { name: string; value: string; masked: boolean }[] {
  return Object.keys(env)
    .sort()
    .map((name) => {
      const value = env[name]!;
      if (isSecretName(name)) return { name, value: '••••••', masked: true };
      // The URL stays readable (which database, which host); its password does not.
      if (urlPassword(value) !== null) return { name, value: value.replace(URL_PASSWORD, '$1••••••@'), masked: true };
      return { name, value, masked: false };
    });
}
