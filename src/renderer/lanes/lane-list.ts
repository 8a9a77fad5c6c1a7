import type { HostEvent } from '../../shared/events';
import type { Lane } from '../../shared/lanes';

/**
 * The UI's list of lanes, folded from `lanes.list` answers and lane events.
 *
 * An answer can be older than events that arrive before it: the host reads a repository's
 * lanes, then lists the worktrees of the next repository, and only then answers, while a
 * lane's setup finished meanwhile and its `lane.updated` (setup done) went out first. Taken
 * as it is, the answer would put back "setup running" for good. So the lane events heard
 * while a list is asked for are laid over its answer, in order: each carries the whole
 * lane as it is now, so the last one for a lane wins, and one heard before the request
 * (older than the answer) is never laid over it.
 */
export type LaneEvent = Extract<HostEvent, { type: 'lane.created' | 'lane.updated' | 'lane.removed' }>;

export function isLaneEvent(e: HostEvent): e is LaneEvent {
  return e.type === 'lane.created' || e.type === 'lane.updated' || e.type === 'lane.removed';
}

/** The list after one event; the same array when it changes nothing. */
export function applyLaneEvent(lanes: Lane[], e: LaneEvent): Lane[] {
  switch (e.type) {
    case 'lane.created':
      // Shown at once; an adopted worktree's adoptable row gives way to the lane.
      if (lanes.some((l) => l.id === e.lane.id)) return lanes;
      return [...lanes.filter((l) => !(l.adoptable && l.path === e.lane.path)), e.lane];
    case 'lane.updated':
      // Only lanes we know: an update for a lane removed since must not revive it.
      return lanes.some((l) => l.id === e.lane.id) ? lanes.map((l) => (l.id === e.lane.id ? e.lane : l)) : lanes;
    case 'lane.removed':
      return lanes.some((l) => l.id === e.id) ? lanes.filter((l) => l.id !== e.id) : lanes;
  }
}

/** The lane events heard while `lanes.list` requests are out, to lay over their answers. */
export class LaneEventsDuringLists {
  private heard: LaneEvent[] = [];
  /** How many events were dropped from the front of `heard`: marks stay absolute. */
  private dropped = 0;
  private readonly open: number[] = [];

  /** A `lanes.list` request is going out now; pass the mark to `layOver` with its answer. */
  mark(): number {
    const at = this.dropped + this.heard.length;
    this.open.push(at);
    return at;
  }

  /** A lane event arrived (kept only while a request is out). */
  hear(e: LaneEvent): void {
    if (this.open.length > 0) this.heard.push(e);
  }

  /** The answer with the events heard since its request laid over it; the request is no longer out. */
  layOver(mark: number, answer: Lane[]): Lane[] {
    const result = this.heard.slice(mark - this.dropped).reduce(applyLaneEvent, answer);
    this.forget(mark);
    return result;
  }

  /** The request's answer will not come (the call failed). */
  forget(mark: number): void {
    const i = this.open.indexOf(mark);
    if (i >= 0) this.open.splice(i, 1);
    const oldest = this.open.length > 0 ? Math.min(...this.open) : this.dropped + this.heard.length;
    this.heard = this.heard.slice(oldest - this.dropped);
    this.dropped = oldest;
  }
}
