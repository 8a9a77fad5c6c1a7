/**
 * Masks text that arrives in chunks (a command's output, a job's log) so that a secret cut in
 * two by a chunk boundary is masked as well as a whole one: masking each chunk on its own would
 * let both halves through.
 *
 * The last HOLD_CHARS of what arrived (or the longest secret's length, when the secrets are
 * known and longer: a PEM key) are held back until more comes, so any secret up to that long
 * is seen whole. Where the cut would fall inside a secret (masking the two sides apart differs
 * from masking them together), it moves back. What is held is let out, masked, once the
 * stream is quiet for IDLE_MS (the last line before a command waits, a prompt) or ends; but
 * for an end that may be the start of a known secret (a slow stream paused inside one), kept
 * until more comes or the stream ends.
 */
export const HOLD_CHARS = 1024;
const IDLE_MS = 150;
/** Past this much held back (a stream of secrets end to end), it all goes out, masked whole. */
const MAX_HELD = 64 * HOLD_CHARS;

export interface StreamMask {
  push(chunk: string): void;
  /** Lets out what is held, masked, and goes on (a job's step begins: what came before it is told first). */
  flush(): void;
  /** Lets out what is held, masked; what is pushed after it goes out at once. */
  end(): void;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * A secret's first characters that may go out when a quiet stream is let out: what its mask
 * shows of it anyway (logger.ts keeps two), so shorter ends are not held behind a prompt.
 */
const SHOWN_OF_A_SECRET = 2;

export function createStreamMask(mask: (text: string) => string, emit: (masked: string) => void, o: { hold?: number; secrets?: readonly string[] } = {}): StreamMask {
  const secrets = o.secrets ?? [];
  const hold = Math.max(o.hold ?? HOLD_CHARS, ...secrets.map((s) => s.length));
  let held = '';
  let ended = false;
  let timer: NodeJS.Timeout | null = null;
  const release = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    const text = held;
    held = '';
    if (text !== '') emit(mask(text));
  };
  /** Quiet: out with what is held, but an end that begins a known secret, which waits for more. */
  const releaseQuiet = (): void => {
    timer = null;
    const keep = secretStartAtEnd(held, secrets);
    const text = held.slice(0, held.length - keep);
    held = held.slice(held.length - keep);
    if (text !== '') emit(mask(text));
  };
  return {
    push(chunk) {
      if (chunk === '') return;
      // After the end (a pipe's last partial character, told late): out at once, not held
      // behind a timer past whatever followed the end.
      if (ended) return emit(mask(chunk));
      const raw = held + chunk;
      if (timer) clearTimeout(timer);
      timer = null;
      let cut = Math.max(0, raw.length - hold);
      if (cut > 0) {
        const whole = mask(raw);
        const fits = (at: number): boolean => mask(raw.slice(0, at)) + mask(raw.slice(at)) === whole;
        // Never between the halves of a character outside the BMP (an emoji), never inside a secret.
        const settle = (at: number): number => (at > 0 && isHighSurrogate(raw.charCodeAt(at - 1)) ? at - 1 : at);
        cut = settle(cut);
        while (cut > 0 && !fits(cut)) cut = settle(Math.max(0, cut - hold));
      }
      if (raw.length - cut > MAX_HELD) {
        // Secrets end to end, with no place to cut between them: all of it, masked whole.
        held = raw;
        return release();
      }
      if (cut > 0) emit(mask(raw.slice(0, cut)));
      held = raw.slice(cut);
      timer = setTimeout(releaseQuiet, IDLE_MS);
      timer.unref?.();
    },
    flush: release,
    end() {
      release();
      ended = true;
    },
  };
}

/** How many of `text`'s last characters are the first ones (more than a mask shows) of a secret not whole there. */
function secretStartAtEnd(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let n = Math.min(secret.length - 1, text.length); n > Math.max(longest, SHOWN_OF_A_SECRET); n--) {
      if (secret.charCodeAt(n - 1) === text.charCodeAt(text.length - 1) && text.endsWith(secret.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}
