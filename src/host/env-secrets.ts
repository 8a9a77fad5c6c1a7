import { maskSecrets } from './logger';
import { isSecretName } from './terminals/agent-env';

/**
 * Masks what a command run with `env` may print of it: the values of its secret-named
 * variables (DB_PASSWORD, ANTHROPIC_API_KEY…), and the host's own secrets (`mask`, the
 * logger's). Every command Grove runs from grove.yaml (setup, teardown, check, gate, serve,
 * probes) has its output passed through this before a job log, an error or a trace holds it.
 */
export function envSecretMask(env: NodeJS.ProcessEnv, mask: (text: string) => string = (t) => t): (text: string) => string {
  const secretValues = Object.entries(env).flatMap(([name, value]) => (value && isSecretName(name) ? [value] : []));
  return (text) => mask(maskSecrets(text, secretValues));
}
