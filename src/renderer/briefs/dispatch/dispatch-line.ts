import type { Claim, Dispatch, DispatchState } from '../../../shared/dispatch';
import { DISPATCH_PRESETS } from './dispatch-form-model';

/**
 * How a dispatch reads in the brief's list: its state (with the host's reason), where the
 * work happens, which agent, the phase and wave, and the moment that matters for its state.
 * Pure: the list component only lays these out.
 */

/** Colour tones, meaning only where it helps: red only for a failure, green for a finish. */
export type DispatchTone = 'pending' | 'active' | 'good' | 'bad' | 'quiet';

export const DISPATCH_TONE: Record<DispatchState, DispatchTone> = {
  waiting: 'pending',
  queued: 'pending',
  starting: 'active',
  running: 'active',
  finished: 'good',
  failed: 'bad',
  cancelled: 'quiet',
};

export interface DispatchLine {
  state: DispatchState;
  tone: DispatchTone;
  /** The host's sentence for why it waits, queues or failed; null when there is none. */
  reason: string | null;
  /** The lane's name once there is one, else what was asked for. */
  lane: string;
  /** "flower-worker-3 (Claude Code)", or the agent kind alone before an agent exists. */
  agent: string;
  phase: string;
  wave: string;
  /** What the time says: requested, started or ended, and when (ISO). */
  moment: { verb: string; at: string };
}

export function presetLabel(preset: string, command: string | null): string {
  if (preset === 'custom') return command ? `custom: ${command}` : 'custom';
  return DISPATCH_PRESETS.find((p) => p.id === preset)?.label ?? preset;
}

/** The time a dispatch's state is about: when it ended, else started, else was asked for. */
function momentOf(d: Dispatch): DispatchLine['moment'] {
  if (d.endedAt) return { verb: d.state === 'cancelled' ? 'cancelled' : d.state === 'failed' ? 'failed' : 'ended', at: d.endedAt };
  if (d.startedAt) return { verb: 'started', at: d.startedAt };
  return { verb: d.auto ? 'requested (auto)' : 'requested', at: d.createdAt };
}

export function dispatchLine(d: Dispatch): DispatchLine {
  const kind = presetLabel(d.preset, d.command);
  return {
    state: d.state,
    tone: DISPATCH_TONE[d.state],
    reason: d.reason,
    lane: d.laneName ?? (d.targetLaneId === null ? 'new ephemeral lane' : 'a standing lane'),
    agent: d.agentName ? `${d.agentName} (${kind})` : kind,
    phase: d.phase === 'design' ? 'design pass' : 'build',
    wave: `wave ${d.wave}`,
    moment: momentOf(d),
  };
}

/** Only a dispatch that has not started its agent can be taken back; a running one is stopped like any agent. */
export function isCancellable(d: Pick<Dispatch, 'state'>): boolean {
  return d.state === 'waiting' || d.state === 'queued';
}

/**
 * A dispatch heard (an event, an answer) laid into the list shown: it replaces the one with
 * its id, else joins it; newest first, as `dispatch.list` answers. Later arrivals win: the
 * host tells events and answers in order on one socket, so what arrives last is newest.
 */
export function mergeDispatch(shown: readonly Dispatch[], d: Dispatch): Dispatch[] {
  return [...shown.filter((s) => s.id !== d.id), d].sort(newestFirst);
}

function newestFirst(a: Dispatch, b: Dispatch): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The brief's claim, as the panel says it: "claimed by flower-worker-3 since …". */
export function claimOf(claims: readonly Claim[], briefId: string): Claim | null {
  return claims.find((c) => c.briefId === briefId) ?? null;
}
