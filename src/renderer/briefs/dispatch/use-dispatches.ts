import { useCallback, useEffect, useState } from 'react';
import type { Brief } from '../../../shared/briefs';
import { DispatchState, type Claim, type Dispatch } from '../../../shared/dispatch';
import { useHost, useHostStore } from '../../connection/use-host';
import { briefRef } from '../brief-labels';
import { claimOf, mergeDispatch } from './dispatch-line';

/** How many of a brief's dispatches the panel lists: far more than a brief ever gets by hand. */
const LISTED = 100;
/** A burst of events (queued → starting → running) asks for the claim once. */
const CLAIM_DEBOUNCE_MS = 150;

export interface BriefDispatches {
  /** Newest first, in every state; null until first read. */
  dispatches: Dispatch[] | null;
  /** Who holds the brief now, if anyone. */
  claim: Claim | null;
  /** Why the list could not be read, in the host's words. */
  error: string | null;
  /** A dispatch this page made or cancelled, laid in from the answer at once. */
  lay(d: Dispatch): void;
}

/**
 * One brief's dispatches and claim, kept live: `dispatch.updated` lays each change in as it
 * comes; the claim (which moves with `claimed` and `claim released` entries, and with a
 * dispatch's agent starting or ending) is read again after either. Read afresh on every
 * (re)connect, so nothing missed while the socket was down stays missing.
 */
export function useDispatches(brief: Pick<Brief, 'id' | 'number'>): BriefDispatches {
  const store = useHostStore();
  const isOpen = useHost().connection.kind === 'open';
  const { id, number } = brief;
  const [dispatches, setDispatches] = useState<Dispatch[] | null>(null);
  const [claim, setClaim] = useState<Claim | null>(null);
  const [error, setError] = useState<string | null>(null);

  const read = useCallback(
    (isCurrent: () => boolean = () => true) => {
      void store.request('dispatch.list', { ref: briefRef(number), state: [...DispatchState.options], limit: LISTED }).then((r) => {
        if (!isCurrent()) return;
        if (!r.ok) return setError(r.error.message);
        setError(null);
        // The answer replaces what was shown: it is as new as every event told before it.
        setDispatches(r.value.dispatches.filter((d) => d.briefId === id));
        setClaim(claimOf(r.value.claims, id));
      });
    },
    [store, number, id],
  );

  useEffect(() => {
    if (!isOpen) return;
    let isCurrent = true;
    read(() => isCurrent);
    return () => {
      isCurrent = false;
    };
  }, [isOpen, read]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    // An answer that arrives after the page moved to another brief is dropped.
    let isCurrent = true;
    const readSoon = (): void => {
      timer ??= setTimeout(() => {
        timer = null;
        read(() => isCurrent);
      }, CLAIM_DEBOUNCE_MS);
    };
    const stopDispatches = store.onEventOf('dispatch.updated', (e) => {
      if (e.dispatch.briefId !== id) return;
      setDispatches((shown) => mergeDispatch(shown ?? [], e.dispatch));
      readSoon();
    });
    const stopBrief = store.onEventOf('brief.changed', (e) => {
      if (e.brief.id !== id) return;
      if (e.entries.some((x) => x.kind === 'claimed' || x.kind === 'claim_released')) readSoon();
    });
    return () => {
      isCurrent = false;
      stopDispatches();
      stopBrief();
      if (timer) clearTimeout(timer);
    };
  }, [store, id, read]);

  const lay = useCallback((d: Dispatch) => setDispatches((shown) => mergeDispatch(shown ?? [], d)), []);
  return { dispatches, claim, error, lay };
}
