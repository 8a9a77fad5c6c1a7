import type { ApiError } from '../shared/errors';
import { methods, type MethodName, type ParamsOf, type ResultOf } from '../shared/methods';
import type { Result } from '../shared/result';
import { err, ok } from '../shared/result';
import { Paths, ResponseBody } from '../shared/wire';

/** One request over HTTP, typed by the contract; failures come back as values. */
export type CallFailure = ApiError | { code: 'unreachable'; message: string };

export async function callHost<M extends MethodName>(
  target: { url: string; token: string },
  method: M,
  params: ParamsOf<M>,
  timeoutMs = 5000,
): Promise<Result<ResultOf<M>, CallFailure>> {
  let res: Response;
  try {
    res = await fetch(new URL(Paths.api + method, target.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return err({ code: 'unreachable', message: cause ?? (e as Error).message });
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return err({ code: 'unreachable', message: `HTTP ${res.status} without a JSON body` });
  }
  const parsed = ResponseBody.safeParse(body);
  if (!parsed.success) {
    return err({ code: 'unreachable', message: `HTTP ${res.status}: unexpected body` });
  }
  if (!parsed.data.ok) return err(parsed.data.error);
  const result = methods[method].result.safeParse(parsed.data.result);
  if (!result.success) {
    return err({ code: 'unreachable', message: `the host's answer to ${method} is not valid` });
  }
  return ok(result.data as ResultOf<M>);
}
