import { maskSecrets, MIN_MASKED } from './logger';
import { secretsOf } from './terminals/agent-env';

/**
 * Masks what a command run with `env` may print of it: the values of its secret-named
 * variables (DB_PASSWORD, ANTHROPIC_API_KEY…), the passwords in its URLs, and the host's own secrets (`mask`, the
 * logger's). Every command Grove runs from grove.yaml (setup, teardown, check, gate, serve,
 * probes) has its output passed through this before a job log, an error or a trace holds it.
 */
export function envSecretMask(env: NodeJS.ProcessEnv, mask: (text: string) => string = (t) => t): (text: string) => string {
  const secretValues = envSecretValues(env);
  return (text) => mask(maskSecrets(text, secretValues));
}

/**
 * What envSecretMask masks of `env` (a stream mask holds back by them): the values of its
 * secret-named variables, and the passwords in URLs the others hold (DATABASE_URL).
 */
export function envSecretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).flatMap(([name, value]) => secretsOf(name, value)).filter((v) => v.length >= MIN_MASKED);
}
