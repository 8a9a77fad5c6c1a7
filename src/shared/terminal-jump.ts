/**
 * What a client writes to its terminal when its output stream jumps (a `jump` frame): a full
 * reset, the alternate screen if the agent's terminal was on it, then the modes the agent's
 * programs had set (bracketed paste, cursor keys, mouse…) that the reset cleared. The pane
 * and the host's screen reader both write it, in order with the output queued before.
 */
export function jumpResetSequence(jump: { altScreen: boolean; modes?: string }): string {
  return '\x1bc' + (jump.altScreen ? '\x1b[?1049h' : '') + (jump.modes ?? '');
}
