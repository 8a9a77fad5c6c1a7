/**
 * Masks text that arrives in chunks (a command's output, a job's log) so that a secret cut in
 * two by a chunk boundary is masked as well as a whole one: masking each chunk on its own would
 * let both halves through.
 *
 * The last HOLD_CHARS of what arrived are held back until more comes, so any secret up to that
 * long is seen whole. Where the cut would fall inside a secret (masking the two sides apart
 * differs from masking them together), it moves back. What is held is let out, masked, once the
 * stream is quiet for IDLE_MS (the last line before a command waits, a prompt) or ends.
 */
export const HOLD_CHARS = 1024;
const IDLE_MS = 150;
/** Past this much held back (a stream of secrets end to end), it all goes out, masked whole. */
const MAX_HELD = 64 * HOLD_CHARS;

export interface StreamMask {
  push(chunk: string): void;
  /** Lets out what is held, masked; pushes after it start afresh. */
  end(): void;
}

export function createStreamMask(mask: (text: string) => string, emit: (masked: string) => void, hold = HOLD_CHARS): StreamMask {
  let held = '';
  let timer: NodeJS.Timeout | null = null;
  const release = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const text = held;
    held = '';
    if (text !== '') emit(mask(text));
  };
  return {
    push(chunk) {
      if (chunk === '') return;
      const raw = held + chunk;
      if (timer) clearTimeout(timer);
      timer = null;
      if (raw.length > MAX_HELD) {
        held = raw;
        return release();
      }
      let cut = raw.length - hold;
      if (cut > 0) {
        const whole = mask(raw);
        while (cut > 0 && mask(raw.slice(0, cut)) + mask(raw.slice(cut)) !== whole) cut = Math.max(0, cut - hold);
      }
      if (cut > 0) emit(mask(raw.slice(0, cut)));
      held = cut > 0 ? raw.slice(cut) : raw;
      timer = setTimeout(release, IDLE_MS);
      timer.unref?.();
    },
    end: release,
  };
}
