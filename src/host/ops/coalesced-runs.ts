/**
 * One run at a time per key, and bursts folded: a request while a run is under way asks for
 * exactly one more run after it, however many requests came. A burst of events (a merge
 * moves MAIN, its probes rerun, the guard reports) then costs at most two rewrites of the
 * status file, and the last one always sees the latest state.
 */
export class CoalescedRuns {
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** Resolves once a run that started after this request has finished. */
  request(key: string, work: () => Promise<void>): Promise<void> {
    const current = this.running.get(key);
    if (current) {
      current.again = true;
      return current.done;
    }
    const entry = { again: false, done: Promise.resolve() };
    this.running.set(key, entry);
    entry.done = (async () => {
      await Promise.resolve(); // the entry is in place before any work runs
      do {
        entry.again = false;
        try {
          await work();
        } catch (e) {
          this.onError(key, e);
        }
      } while (entry.again);
      this.running.delete(key);
    })();
    return entry.done;
  }

  /** Resolves when every run under way has finished (host shutdown). */
  async settled(): Promise<void> {
    await Promise.all([...this.running.values()].map((e) => e.done));
  }
}
