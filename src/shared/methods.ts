import { z } from 'zod';
import { EventEnvelope } from './events';
import { HostStatus } from './host-status';
import { Repo } from './repo';

/**
 * The one table of API methods: each method's params and result schema. The host routes
 * and validates from this table; clients type their calls from it. Adding a capability
 * means adding rows here.
 */
const NoParams = z.object({}).strict();

/** POSIX `/…` or Windows `C:\…`; the host never guesses what a relative path meant. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p);
}

/** Cap for one page of events; a client pages with `since`. */
export const MAX_EVENTS_PAGE = 1000;

export const methods = {
  'host.status': { params: NoParams, result: HostStatus },
  'repos.list': { params: NoParams, result: z.object({ repos: z.array(Repo) }) },
  'repos.add': {
    params: z
      .object({
        path: z
          .string()
          .min(1, 'path is empty: give the absolute path of the repository\'s MAIN checkout')
          .max(4096)
          .refine((p) => !p.includes('\0'), 'path contains a NUL character')
          .refine(isAbsolutePath, 'path must be absolute (the CLI resolves relative paths for you)'),
      })
      .strict(),
    result: z.object({ repo: Repo }),
  },
  'repos.remove': {
    params: z.object({ id: z.string().min(1).max(200) }).strict(),
    result: z.object({ removed: z.literal(true) }),
  },
  'events.since': {
    params: z
      .object({
        since: z.number().int().nonnegative(),
        limit: z.number().int().min(1).max(MAX_EVENTS_PAGE).optional(),
      })
      .strict(),
    result: z.object({
      events: z.array(EventEnvelope),
      latestSeq: z.number().int().nonnegative(),
      /** True when events after `since` were already pruned: refetch state, then follow on. */
      truncated: z.boolean(),
    }),
  },
} as const;

export type MethodName = keyof typeof methods;
export type ParamsOf<M extends MethodName> = z.input<(typeof methods)[M]['params']>;
export type ResultOf<M extends MethodName> = z.infer<(typeof methods)[M]['result']>;

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}
