/**
 * A hybrid logical clock (Kulkarni et al., 2014): wall-clock milliseconds plus a counter,
 * plus the node that ticked it. It never goes backwards on one node, even when the wall
 * clock does, and after `observe` of another node's stamp it is past that stamp too, so
 * entries written on several machines order the same way everywhere (the sync issue
 * resolves mutable fields by it). Rendered as fixed-width text that sorts as it compares.
 */
export interface HybridClock {
  now(): string;
  /** Moves the clock past a stamp seen from another node (an import, a pull). */
  observe(stamp: string): void;
}

const STAMP = /^(\d{13})-(\d{4})-([A-Za-z0-9_-]{1,64})$/;

export function formatStamp(ms: number, counter: number, node: string): string {
  return `${String(ms).padStart(13, '0')}-${String(counter).padStart(4, '0')}-${node}`;
}

export function parseStamp(stamp: string): { ms: number; counter: number; node: string } | null {
  const m = STAMP.exec(stamp);
  return m ? { ms: Number(m[1]), counter: Number(m[2]), node: m[3]! } : null;
}

export function createHybridClock(node: string, wall: () => number = Date.now): HybridClock {
  let ms = 0;
  let counter = 0;
  return {
    now() {
      const t = wall();
      if (t > ms) {
        ms = t;
        counter = 0;
      } else if (counter < 9999) {
        counter++;
      } else {
        // 10,000 stamps in one millisecond: borrow the next millisecond rather than overflow the width.
        ms++;
        counter = 0;
      }
      return formatStamp(ms, counter, node);
    },
    observe(stamp) {
      const seen = parseStamp(stamp);
      if (!seen) return;
      if (seen.ms > ms || (seen.ms === ms && seen.counter > counter)) {
        ms = seen.ms;
        counter = seen.counter;
      }
    },
  };
}
