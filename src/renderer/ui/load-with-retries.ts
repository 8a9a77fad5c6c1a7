/** A failed load is tried again after each of these waits, then given up. */
export const RETRY_DELAYS_MS = [300, 1000, 2000, 4000, 8000];

export async function loadWithRetries<T>(load: () => Promise<T>, delays: readonly number[] = RETRY_DELAYS_MS, sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await load();
    } catch (e) {
      if (attempt >= delays.length) throw e;
      await sleep(delays[attempt]!);
    }
  }
}

