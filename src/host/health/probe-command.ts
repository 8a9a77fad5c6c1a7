import type { CommandProbeSpec, ProbeResult } from '../../shared/health';
import { runCommands } from '../lanes/setup/run-commands';
import { CANCELLED, formatMs, probeOutputTail, type ProbeRunOptions } from './probe-output';

/**
 * Runs one command probe (`php artisan about`) in MAIN: passes on exit 0. The command runs
 * through the setup runner, so it gets the same treatment as a recipe's commands: `sh -c`,
 * its own process group, stdin closed, and on a timeout the whole group ended before the
 * result comes back. A failure of any kind (non-zero exit, timeout, no such directory) is a
 * result, never a throw.
 */
export async function runCommandProbe(spec: CommandProbeSpec, o: ProbeRunOptions): Promise<ProbeResult> {
  const now = o.now ?? (() => new Date());
  const started = now();
  let output = '';
  const outcome = await runCommands([spec.command], {
    cwd: o.cwd,
    env: o.env,
    timeoutMs: o.timeoutMs,
    onStep: () => {},
    onOutput: (data) => {
      output += data;
      // Keep a margin beyond the tail so masking sees whole secrets at the cut.
      if (output.length > 8 * 8192) output = output.slice(-4 * 8192);
    },
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.groups ? { groups: o.groups } : {}),
  });
  const base = { probe: spec.name, at: started.toISOString(), durationMs: Math.max(0, now().getTime() - started.getTime()), outputTail: probeOutputTail(output, o.env, o.mask ?? ((t) => t)) };
  if (outcome.ok) return { ...base, ok: true, detail: 'exit 0' };
  return { ...base, ok: false, detail: failureDetail(outcome, o.timeoutMs, output) };
}

function failureDetail(outcome: { exitCode: number | null; timedOut: boolean; aborted: boolean }, timeoutMs: number, output: string): string {
  if (outcome.timedOut) return `timed out after ${formatMs(timeoutMs)}`;
  if (outcome.aborted) return CANCELLED;
  if (outcome.exitCode !== null) return `exit ${outcome.exitCode}`;
  // Killed by a signal, or never started: the runner's own note says which.
  const notes = [...output.matchAll(/^\[grove\] (.+)$/gm)];
  return notes.at(-1)?.[1] ?? 'did not finish';
}
