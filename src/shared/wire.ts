import { z } from 'zod';
import { ApiError } from './errors';
import { EventEnvelope } from './events';

/**
 * WebSocket frames (JSON text). HTTP carries the same request/response bodies at
 * `POST /api/<method>`; see docs/protocol.md.
 */
export const RequestId = z.union([z.string().max(200), z.number().int()]);

export const ClientFrame = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('request'),
    id: RequestId,
    method: z.string().max(200),
    params: z.unknown().optional(),
  }),
  /** Start (or restart) the event stream after `since`; 0 means from the oldest retained. */
  z.object({ kind: z.literal('subscribe'), since: z.number().int().nonnegative() }),
  /** The client's terminal has parsed the agent's output up to `offset` (flow control). */
  z.object({ kind: z.literal('ack'), agentId: z.string().max(200), offset: z.number().int().nonnegative() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const ResponseBody = z.union([
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError }),
]);
export type ResponseBody = z.infer<typeof ResponseBody>;

export const HostFrame = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('hello'),
    protocolVersion: z.number().int(),
    hostVersion: z.string(),
    latestSeq: z.number().int().nonnegative(),
  }),
  z.object({
    kind: z.literal('response'),
    id: RequestId.nullable(),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: ApiError.optional(),
  }),
  z.object({ kind: z.literal('event'), envelope: EventEnvelope }),
  /**
   * Sent instead of a replay when the events after the client's `since` were pruned: the
   * client must refetch state; live events follow from `latestSeq`.
   */
  z.object({ kind: z.literal('gap'), since: z.number().int(), latestSeq: z.number().int() }),
  /** The subscription's replay is complete; everything after this frame is live. */
  z.object({ kind: z.literal('live'), latestSeq: z.number().int().nonnegative() }),
  /** The host stopped streaming an agent's output to this client (agent removed). */
  z.object({ kind: z.literal('detached'), agentId: z.string(), reason: z.string() }),
  /**
   * Catch-up: the agent's output stream skips from `fromOffset` to `toOffset`. The client
   * resets its terminal; the next output frame starts at `toOffset`, a restart point near
   * the end of the log (`behind`: it fell too far behind to parse it all in time; `attach`:
   * it attached without `since` and the log keeps more than is replayed at attach), or the
   * oldest byte kept (`gone`, for a client that attached with `jump: false`: the bytes it
   * needed next left the log). `ahead`: it attached with a `since` past the log's end (the
   * log lost bytes it had been sent) and goes on near the end (without `jump: true`, at the
   * end itself); nothing was skipped. The
   * skipped bytes stay readable while the log keeps them.
   */
  z.object({
    kind: z.literal('jump'),
    agentId: z.string(),
    reason: z.enum(['behind', 'gone', 'attach', 'ahead']),
    fromOffset: z.number().int().nonnegative(),
    toOffset: z.number().int().nonnegative(),
    skippedBytes: z.number().int().nonnegative(),
    /** The agent's terminal was on the alternate screen there: switch to it after the reset. */
    altScreen: z.boolean(),
    /**
     * Escape sequences that set the other terminal modes on there again (bracketed paste,
     * cursor keys, mouse tracking, focus, cursor visibility, scroll region…): write them after
     * the reset and the switch. Absent from hosts before it: nothing to set.
     */
    modes: z.string().optional(),
  }),
]);
export type HostFrame = z.infer<typeof HostFrame>;
export type JumpFrame = Extract<HostFrame, { kind: 'jump' }>;

/** WebSocket close codes the host uses, beyond the standard ones. */
export { CloseCode } from './close-codes';

export { Paths } from './paths';

/**
 * A request body or WebSocket frame. 8 MiB holds the largest brief entry there is (a 200,000-character
 * spec with its diff, in any script) with room for a batch of imported entries beside it.
 */
export const MAX_BODY_BYTES = 8 * 1024 * 1024;
