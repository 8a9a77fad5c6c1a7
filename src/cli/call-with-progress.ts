import { callHost, type CallFailure } from '../host-client/call-host';
import type { JobKind } from '../shared/jobs';
import { HostConnection } from '../shared/client/host-connection';
import type { MethodName, ParamsOf, ResultOf } from '../shared/methods';
import type { Result } from '../shared/result';
import { err } from '../shared/result';
import { parseHostFrame } from '../shared/client/parse-host-frame';
import { provenSocket } from '../host-client/proven-socket';

/**
 * A long lane operation (create with setup, merge with check and gate) called over the
 * WebSocket, with its job's steps and command output printed live to stderr as they
 * happen, so stdout keeps only the result (and stays valid JSON under --json). HTTP is
 * not used for these: a setup can run for many minutes, longer than HTTP clients wait.
 * Without `watch`, nothing is printed: a call that may wait that long for the repository's
 * lock (a rollback, accepting MAIN) behind a merge whose gate runs.
 */
const LONG_CALL_MS = 6 * 60 * 60 * 1000;

export async function callWithProgress<M extends MethodName>(
  target: { url: string; token: string },
  method: M,
  params: ParamsOf<M>,
  watch: { repoId: string; laneName: string; kinds: readonly JobKind[] } = { repoId: '', laneName: '', kinds: [] },
  write: (text: string) => void = (t) => void process.stderr.write(t),
): Promise<Result<ResultOf<M>, CallFailure>> {
  const status = await callHost(target, 'host.status', {});
  if (!status.ok) return status;
  const jobs = new Set<string>();
  const conn = new HostConnection({ parseFrame: parseHostFrame,
    since: status.value.latestEventSeq,
    callTimeoutMs: LONG_CALL_MS,
    connect: () => provenSocket(target),
  });
  conn.onEvent(({ event }) => {
    if (event.type === 'job.started') {
      if (event.job.repoId === watch.repoId && event.job.laneName === watch.laneName && watch.kinds.includes(event.job.kind)) {
        jobs.add(event.job.id);
        write(`${event.job.title}\n`);
      }
    } else if (event.type === 'job.step' && jobs.has(event.jobId)) write(`[${event.index}/${event.total}] ${event.title}\n`);
    else if (event.type === 'job.output' && jobs.has(event.jobId)) write(event.data);
    else if (event.type === 'job.finished' && jobs.has(event.jobId)) write(`${event.ok ? 'done' : 'failed'}: ${event.message}\n`);
  });
  let why = '';
  const opened = new Promise<boolean>((resolve) => {
    conn.onState((s) => {
      if (s.kind === 'open') resolve(true);
      else if (s.kind === 'stopped' || s.kind === 'incompatible') resolve(false);
      // A server that could not prove it is the host is retried, not sent the token; the last word says why.
      else if (s.kind === 'waiting') why = s.reason;
    });
  });
  conn.start();
  const timeout = setTimeout(() => conn.stop(), 10_000);
  const isOpen = await opened;
  clearTimeout(timeout);
  if (!isOpen) return err({ code: 'unreachable', message: `Cannot open a WebSocket to ${target.url}${why ? `: ${why}` : ''}.` });
  // Ctrl-C ends this command, not the operation: the host goes on with it (a merge lands, or
  // its gate rolls MAIN back), and the operator is told so, and where to follow it.
  const interrupted = (): void => {
    write(`\nStopped following ${method}; the host goes on with it. ${followUp(method)}\n`);
    conn.stop();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  const result = await conn.call(method, params);
  process.off('SIGINT', interrupted);
  // Let the last job events (sent before the answer) reach the screen, then close.
  await new Promise((r) => setTimeout(r, 50));
  conn.stop();
  if (!result.ok && result.error.code === 'disconnected') {
    return err({ code: 'unreachable', message: `${result.error.message}; the host may still finish ${method}. ${followUp(method)}` });
  }
  return result as Result<ResultOf<M>, CallFailure>;
}

/** Where to see how an operation the CLI stopped following came out. */
function followUp(method: MethodName): string {
  if (method === 'lanes.merge' || method === 'merges.rollback') return 'See how it ended: grove merges';
  if (method.startsWith('lanes.')) return 'See how it ended: grove lane list';
  return 'See how it ended: grove repo main';
}
