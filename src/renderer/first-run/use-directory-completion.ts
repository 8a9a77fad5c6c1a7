import { useEffect, useState } from 'react';
import type { DirectoryListing } from '../../shared/directories';
import { useHostStore } from '../connection/use-host';
import { completionPrefix } from './path-completion';

/** Typing pauses this long before the host is asked: one question per pause, not per key. */
const ASK_AFTER_MS = 120;

export type Completion =
  | { kind: 'none' }
  | { kind: 'listed'; prefix: string; listing: DirectoryListing }
  | { kind: 'failed'; prefix: string; message: string };

/**
 * The directories completing `text`, from the host's fs.directories. An answer to text that
 * has changed since is dropped, so a slow answer never overwrites a newer one.
 */
export function useDirectoryCompletion(text: string): Completion {
  const store = useHostStore();
  const [completion, setCompletion] = useState<Completion>({ kind: 'none' });
  const prefix = completionPrefix(text);
  useEffect(() => {
    if (prefix === null) {
      setCompletion({ kind: 'none' });
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void store.request('fs.directories', { prefix }).then((r) => {
        if (live) setCompletion(r.ok ? { kind: 'listed', prefix, listing: r.value } : { kind: 'failed', prefix, message: r.error.message });
      });
    }, ASK_AFTER_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [store, prefix]);
  // Until the answer for the text as it is now arrives, nothing is offered (not the previous directory's names).
  return completion.kind !== 'none' && completion.prefix === prefix ? completion : { kind: 'none' };
}
