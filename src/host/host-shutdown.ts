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
  /**
   * How long this part may take before the next is stopped anyway (default
   * STEP_DEADLINE_MS; null: no limit, for a part with its own, such as agents' grace).
   * Work still running past it (a merge's gate behind the repository lock) is on record
   * and ended by the next host.
   */
  deadlineMs?: number | null;
}

export const STEP_DEADLINE_MS = 10_000;

/** Resolves, never rejects, once every step ran or ran out of time; with the names of those that failed. */
export async function stopInOrder(steps: readonly ShutdownStep[], logger: Pick<Logger, 'error'>): Promise<string[]> {
  const failed: string[] = [];
  for (const step of steps) {
    const deadline = step.deadlineMs === undefined ? STEP_DEADLINE_MS : step.deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    try {
      const stopping = Promise.resolve().then(step.stop);
      const outcome =
        deadline === null
          ? await stopping.then(() => 'stopped' as const)
          : await Promise.race([stopping.then(() => 'stopped' as const), new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadline)))]);
      if (outcome === 'late') {
        failed.push(step.name);
        logger.error('a part of the host did not stop in time; stopping the rest', { part: step.name, deadlineMs: deadline });
        stopping.catch(() => undefined);
      }
    } catch (e) {
      failed.push(step.name);
      logger.error('a part of the host failed to stop', { part: step.name, error: e instanceof Error ? e.message : String(e) });
    } finally {
      clearTimeout(timer);
    }
  }
  return failed;
}
