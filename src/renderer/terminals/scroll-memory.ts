/**
 * How far from the bottom each agent's terminal was scrolled when it was unmounted (only
 * visible terminals are mounted), so switching back shows the same place. Lines from the
 * bottom rather than a line number: the output replayed on remount is the host's retained
 * tail, whose first line is not the old scrollback's, but its end is the same.
 */
export class ScrollMemory {
  private readonly linesFromBottom = new Map<string, number>();

  remember(agentId: string, viewport: { baseY: number; viewportY: number }): void {
    const distance = Math.max(0, viewport.baseY - viewport.viewportY);
    if (distance === 0) this.linesFromBottom.delete(agentId);
    else this.linesFromBottom.set(agentId, distance);
  }

  /** Lines from the bottom to restore, or 0 (follow the output). */
  recall(agentId: string): number {
    return this.linesFromBottom.get(agentId) ?? 0;
  }

  /** The line to scroll to so `distance` lines sit below the viewport, within the buffer. */
  static targetLine(baseY: number, distance: number): number {
    return Math.max(0, baseY - distance);
  }
}

export const terminalScrollMemory = new ScrollMemory();
