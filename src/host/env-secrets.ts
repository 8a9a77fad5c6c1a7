import { maskSecrets, MIN_MASKED } from './logger';
import { isSecretName } from './terminals/agent-env';

/**
 * Masks what a command run with `env` may print of it: the values of its secret-named
 * variables (DB_PASSWORD, ANTHROPIC_API_KEY…), and the host's own secrets (`mask`, the
 * logger's). Every command Grove runs from grove.yaml (setup, teardown, check, gate, serve,
 * probes) has its output passed through this before a job log, an error or a trace holds it.
 */
export function envSecretMask(env: NodeJS.ProcessEnv, mask: (text: string) => string = (t) => t): (text: string) => string {
  const secretValues = envSecretValues(env);
  return (text) => mask(maskSecrets(text, secretValues));
}

/** The values of `env`'s secret-named variables that envSecretMask masks (a stream mask holds back by them). */
export function envSecretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).flatMap(([name, value]) => (value && value.length >= MIN_MASKED && isSecretName(name) ? [value] : []));
}
