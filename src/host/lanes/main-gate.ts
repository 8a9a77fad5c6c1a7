import type { GroveConfig } from '../../shared/config';
import { isCommandProbe, probeSettings } from '../../shared/health';
import { runCommandProbe } from '../health/probe-command';
import { CANCELLED } from '../health/probe-output';
import { runHttpProbe } from '../health/probe-http';
import type { CommandGroups } from './setup/command-groups';
import { runCommands } from './setup/run-commands';

/**
 * MAIN's post-merge gate: grove.yaml's `merge.gate` command when there is one, else MAIN's
 * health probes (`health.probes`, each with its own timeout), else none. Either way one
 * failure is enough to roll the merge back.
 */
export interface GateRun {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  mask: (text: string) => string;
  output(data: string): void;
  /** Records the gate's process groups while they run: a host killed mid-gate leaves word of them. */
  groups?: CommandGroups;
  /** The host's stop: a gate still running then is ended, and cut short rather than failed. */
  signal?: AbortSignal;
}

/**
 * cutShort: ended by the stop (`signal`) before it had decided; a gate that failed on its own
 * a moment before the stop began has decided, and is not cut short.
 */
export type GateOutcome = { ok: true } | { ok: false; why: string; outputTail: string; cutShort: boolean };

export interface MainGate {
  /** For messages: the command, or the probes' names. */
  label: string;
  run(o: GateRun): Promise<GateOutcome>;
}

/** The last non-empty line of an output tail, without Grove's "[grove]" prefix. */
function lastLine(tail: string): string {
  const line = tail.trimEnd().split('\n').at(-1) ?? '';
  return line.replace(/^\[grove\]\s*/, '').trim();
}

export function mainGateOf(config: GroveConfig): MainGate | null {
  const command = config.merge?.gate;
  if (command) {
    return {
      label: command,
      run: async (o) => {
        // Its output reaches the job's log, the merge record and the brief's trace (and agents
        // through MCP): masked by runCommands, as every recipe command's is.
        const r = await runCommands([command], { cwd: o.cwd, env: o.env, timeoutMs: o.timeoutMs, onStep: () => undefined, onOutput: o.output, groups: o.groups, mask: o.mask, signal: o.signal });
        if (r.ok) return r;
        // Killed by a signal, or never started, it has no exit code: its log's last line says which.
        const why = r.timedOut ? 'timed out' : r.exitCode !== null ? `failed (exit ${r.exitCode})` : `failed (${lastLine(r.outputTail) || 'it ended without an exit code'})`;
        return { ok: false, why, outputTail: r.outputTail, cutShort: r.aborted };
      },
    };
  }
  const probes = config.health?.probes ?? [];
  if (probes.length === 0) return null;
  return {
    label: `probes ${probes.map((p) => p.name).join(', ')}`,
    run: async (o) => {
      for (const spec of probes) {
        const run = { cwd: o.cwd, env: o.env, timeoutMs: probeSettings(spec).timeoutMs, mask: o.mask, ...(o.groups ? { groups: o.groups } : {}), ...(o.signal ? { signal: o.signal } : {}) };
        const result = isCommandProbe(spec) ? await runCommandProbe(spec, run) : await runHttpProbe(spec, run);
        o.output(`${spec.name}: ${result.ok ? 'passes' : 'FAILS'} (${result.detail})\n`);
        if (!result.ok) return { ok: false, why: `failed (probe ${spec.name}: ${result.detail})`, outputTail: result.outputTail, cutShort: result.detail === CANCELLED };
      }
      return { ok: true };
    },
  };
}
