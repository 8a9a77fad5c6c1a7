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

/** Names that hold secrets by convention; their values are never shown, only their presence. */
const SECRET_NAME = /(KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASS|CREDENTIAL|PRIVATE|AUTH|COOKIE|SESSION|DSN)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function maskedEnv(env: Record<string, string>): { name: string; value: string; masked: boolean }[] {
  return Object.keys(env)
    .sort()
    .map((name) => (isSecretName(name) ? { name, value: '••••••', masked: true } : { name, value: env[name]!, masked: false }));
}
