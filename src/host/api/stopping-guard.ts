import { apiError, type ApiError } from '../../shared/errors';
import type { MethodName } from '../../shared/methods';
import { err } from '../../shared/result';
import type { CallContext, Handler, Handlers } from './dispatch';

/**
 * The methods that start work a stopping host would leave behind (an agent, a setup, a
 * merge and its gate, a sync round): refused once the host begins to stop. The API stays
 * open until the agents are stopped, which can take their grace period; a request in that
 * time started work nothing would stop.
 */
export const STARTS_WORK = [
  'agents.start',
  'agents.restart',
  'agents.resume',
  'agents.recycle',
  'lanes.create',
  'lanes.adopt',
  'lanes.rebase',
  'lanes.remove',
  'lanes.merge',
  'lanes.serve',
  'merges.rollback',
  'ops.start',
  'dispatch.create',
  'sync.now',
] as const satisfies readonly MethodName[];

export const stoppingRefusal = (method: string): ApiError =>
  apiError('host_stopping', `The host is stopping: ${method} starts nothing now. Call it again once a host is running (grove status).`, { method });

/** Wraps `methods` of `handlers` in place: while `isStopping()`, each answers `host_stopping` and does nothing. */
export function refuseWhileStopping(handlers: Handlers, methods: readonly MethodName[], isStopping: () => boolean): void {
  for (const method of methods) {
    const handler = handlers[method] as Handler<typeof method>;
    (handlers as Record<string, unknown>)[method] = (params: never, ctx: CallContext) =>
      isStopping() ? err(stoppingRefusal(method)) : handler(params, ctx);
  }
}
