import type { z } from 'zod';
import type { ApiError } from '../../shared/errors';
import { apiError } from '../../shared/errors';
import { accessOf, isMethodName, methodNames, methods, type MethodName, type ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';
import type { HostFrame, ResponseBody } from '../../shared/wire';
import type { Logger } from '../logger';

/**
 * The single entry point for every request, whether it came over HTTP or WebSocket: find
 * the method in the contract, validate the params against its schema, run the handler, and
 * turn any outcome into a response body. Nothing reaches a handler unvalidated.
 */
/** Who is calling: the operator (UI, CLI, shell) or one agent, by its own token. */
export type Principal = { kind: 'operator' } | { kind: 'agent'; agentId: string };

/** The WebSocket a request came over, for methods that stream (agents.attach). */
export interface WsPeer {
  readonly id: number;
  sendBinary(data: Uint8Array): void;
  sendDetached(agentId: string, reason: string): void;
  /** A `jump` frame (catch-up) for one of this socket's attachments. */
  sendJump(agentId: string, jump: Omit<Extract<HostFrame, { kind: 'jump' }>, 'kind' | 'agentId'>): void;
  /** Called once when the socket closes. */
  onClose(fn: () => void): void;
  /** Per-socket state a capability keeps (e.g. its attachments), keyed by capability. */
  state: Map<string, unknown>;
}

export interface CallContext {
  principal: Principal;
  ws: WsPeer | null;
}

export type Handler<M extends MethodName> = (
  params: z.output<(typeof methods)[M]['params']>,
  ctx: CallContext,
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
  ctx: CallContext,
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
  const access = accessOf(method);
  if (access !== 'any' && access !== ctx.principal.kind) {
    return {
      ok: false,
      error: apiError(
        'forbidden',
        access === 'agent'
          ? `${method} is for agents' hooks, called with the agent's own token.`
          : `An agent's token may not call ${method}: it is the operator's. An agent reads and writes briefs (docs/briefs.md, who may do what), reports its own state, and works through Grove's MCP tools.`,
        { method },
      ),
    };
  }
  // Inside the try too: whatever throws (a schema's own check included) is answered, never
  // left to a socket's caller to wait out its timeout.
  try {
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
    const handler = handlers[method] as Handler<MethodName>;
    const outcome = await handler(parsed.data as never, ctx);
    return outcome.ok ? { ok: true, result: outcome.value } : { ok: false, error: outcome.error };
  } catch (e) {
    logger.error('handler failed', { method, error: e instanceof Error ? e.stack : String(e) });
    return {
      ok: false,
      error: apiError('internal', `${method} failed inside the host; see the host log.`, { method }),
    };
  }
}
