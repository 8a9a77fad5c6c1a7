import type { z } from 'zod';
import type { ApiError } from '../../shared/errors';
import { apiError } from '../../shared/errors';
import { isMethodName, methodNames, methods, type MethodName, type ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';
import type { ResponseBody } from '../../shared/wire';
import type { Logger } from '../logger';

/**
 * The single entry point for every request, whether it came over HTTP or WebSocket: find
 * the method in the contract, validate the params against its schema, run the handler, and
 * turn any outcome into a response body. Nothing reaches a handler unvalidated.
 */
export type Handler<M extends MethodName> = (
  params: z.output<(typeof methods)[M]['params']>,
) => Result<ResultOf<M>, ApiError> | Promise<Result<ResultOf<M>, ApiError>>;

export type Handlers = { [M in MethodName]: Handler<M> };

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((i) => `${i.path.length ? 'params.' + i.path.join('.') : 'params'}: ${i.message}`)
    .join('; ');
}

export async function dispatch(
  handlers: Handlers,
  method: unknown,
  rawParams: unknown,
  logger: Logger,
): Promise<ResponseBody> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: apiError(
        'unknown_method',
        `Unknown method ${JSON.stringify(method)}. Known methods: ${methodNames.join(', ')}.`,
        { method: typeof method === 'string' ? method : String(method) },
      ),
    };
  }
  // Absent params mean "no params"; a method that needs some will say which are missing.
  const parsed = methods[method].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: apiError('invalid_request', `${method}: ${describeIssues(parsed.error.issues)}`, {
        method,
        issues: parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String), message: i.message })),
      }),
    };
  }
  try {
    const handler = handlers[method] as Handler<MethodName>;
    const outcome = await handler(parsed.data as never);
    return outcome.ok ? { ok: true, result: outcome.value } : { ok: false, error: outcome.error };
  } catch (e) {
    logger.error('handler failed', { method, error: e instanceof Error ? e.stack : String(e) });
    return {
      ok: false,
      error: apiError('internal', `${method} failed inside the host; see the host log.`, { method }),
    };
  }
}
