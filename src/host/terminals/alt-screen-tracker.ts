/**
 * Whether the agent's terminal was on the alternate screen at a given offset of its output.
 * A jump restarts a client near the end of the log; a full-screen program switched to the
 * alternate screen long before (megabytes back, maybe no longer in the log), so the restart
 * point alone cannot say which screen the client must be on. The host notes every switch as
 * output is appended (a cheap scan), and the jump tells the client (`altScreen`).
 */
// Switches: CSI ?1049 h/l (with cursor save), and the older ?1047 and ?47.
// eslint-disable-next-line no-control-regex -- matching the escape sequence is the point
const SWITCH = /\x1b\[\?(?:1049|1047|47)([hl])/g;
/** A switch sequence is at most this long, so this much of a chunk's end may begin one the next completes. */
const CARRY_BYTES = 7;
/** Switches remembered; older ones are folded into the state before the first kept. */
const MAX_SWITCHES = 256;

export class AltScreenTracker {
  private switches: { offset: number; on: boolean }[] = [];
  private stateBefore = false;
  private carry = '';

  /** Output `chunk` was appended at `offset`. */
  observe(offset: number, chunk: Buffer): void {
    const text = this.carry + chunk.toString('latin1');
    const textStart = offset - this.carry.length;
    for (const m of text.matchAll(SWITCH)) {
      // A switch that lies wholly in the carry was seen with the previous chunk.
      if (m.index + m[0].length <= this.carry.length) continue;
      this.switches.push({ offset: textStart + m.index, on: m[1] === 'h' });
    }
    while (this.switches.length > MAX_SWITCHES) this.stateBefore = this.switches.shift()!.on;
    this.carry = text.slice(-CARRY_BYTES);
  }

  /** Whether the alternate screen was on just before the byte at `offset`. */
  isOnAt(offset: number): boolean {
    let on = this.stateBefore;
    for (const s of this.switches) {
      if (s.offset >= offset) break;
      on = s.on;
    }
    return on;
  }
}
