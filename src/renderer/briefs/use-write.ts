import { useRef, useState } from 'react';
import type { CallError } from '../../shared/client/host-connection';
import type { Result } from '../../shared/result';

export interface Write {
  /** The host's words when the last write was refused; null otherwise. */
  error: string | null;
  isBusy: boolean;
  /**
   * Waits for a write; `onDone` runs with its answer when it succeeded, the error shows when
   * not. A write asked for while one is on its way is dropped (a held Ctrl+Enter, a double
   * click): the trace is append-only, and a copy could only be redacted.
   */
  run<T>(write: () => Promise<Result<T, CallError>>, onDone?: (value: T) => void): void;
}

/** The state every small form of a brief shares: busy while a write is on its way, then done or the host's reason. */
export function useWrite(): Write {
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  // State is read as of the last render; two key presses can come within one.
  const busy = useRef(false);
  return {
    error,
    isBusy,
    run(write, onDone) {
      if (busy.current) return;
      busy.current = true;
      setBusy(true);
      void write().then((r) => {
        busy.current = false;
        setBusy(false);
        if (!r.ok) return setError(r.error.message);
        setError(null);
        onDone?.(r.value);
      });
    },
  };
}
