import type { Logger } from './logger';

/**
 * Taking the host apart: every part is stopped, in order, whatever the ones before it did.
 * A part that throws or rejects (an agent's stop that fails) is logged and the next is
 * stopped anyway, so the store is always closed and the host lock always released: a
 * failed stop must not leave the data dir locked until the process dies.
 */
export interface ShutdownStep {
  /** What the log names when this part fails to stop. */
  name: string;
  stop: () => unknown;
}

/** Resolves, never rejects, once every step ran; with the names of those that failed. */
export async function stopInOrder(steps: readonly ShutdownStep[], logger: Pick<Logger, 'error'>): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    try {
      await step.stop();
    } catch (e) {
      failed.push(step.name);
      logger.error('a part of the host failed to stop', { part: step.name, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return failed;
}
