import type { SupervisionView } from './agents';

/**
 * Supervision states in which the agent is alive or about to be (a restart is pending).
 * Apart from the schemas so the page can ask without loading a validator.
 */
export function isLiveSupervision(kind: SupervisionView['kind']): boolean {
  return kind === 'starting' || kind === 'running' || kind === 'stopping' || kind === 'backoff';
}
