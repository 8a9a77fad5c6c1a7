import { useCallback, useEffect, useRef, useState } from 'react';
import type { Brief, BriefAction, BriefEntry, Recall } from '../../shared/briefs';
import type { CallError } from '../../shared/client/host-connection';
import type { ResultOf } from '../../shared/methods';
import type { Result } from '../../shared/result';
import { useHostStore, useIsConnected } from '../connection/use-host';
import { briefRef } from './brief-labels';
import { mergeTrace } from './trace-merge';

const PAGE = 50;
/** A burst of entries (an agent adding seven links) asks for the recall payload once. */
const RECALL_DEBOUNCE_MS = 300;

export type BriefLoad = { kind: 'loading' } | { kind: 'missing'; message: string } | { kind: 'failed'; message: string } | { kind: 'loaded' };

export interface OpenBrief {
  load: BriefLoad;
  /** Why the brief shown may be behind the host's (a re-read failed); null when it is current. */
  stale: string | null;
  /** Reads the brief again (after a re-read failed; a reconnect does too). */
  readAgain(): void;
  brief: Brief | null;
  /** Newest first. */
  trace: BriefEntry[];
  /** How many entries the brief has (the trace holds the newest of them). */
  total: number;
  hasOlder: boolean;
  loadOlder(): void;
  recall: Recall | null;
  /** Writes one entry through briefs.append as the UI; the answer is laid in at once. */
  append(action: BriefAction, expectedVersion?: number): Promise<Result<ResultOf<'briefs.append'>, CallError>>;
  redact(entryId: string, reason: string): Promise<Result<unknown, CallError>>;
}

/**
 * One brief's page data: the brief, its trace a page at a time, and its agent's-eye
 * payload, kept live by `brief.changed` (entries laid in by their order of arrival,
 * tombstones swapped in). Events carry the brief's summary, not its spec or links: those are
 * read again after a change, and the newest version read wins.
 */
export function useBrief(number: number): OpenBrief {
  const store = useHostStore();
  const isOpen = useIsConnected();
  const ref = briefRef(number);
  const [load, setLoad] = useState<BriefLoad>({ kind: 'loading' });
  const [brief, setBrief] = useState<Brief | null>(null);
  const [trace, setTrace] = useState<BriefEntry[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [recall, setRecall] = useState<Recall | null>(null);
  /** The latest version events told of, ahead of the brief read (the trace's count follows it). */
  const [heard, setHeard] = useState(0);
  const [stale, setStale] = useState<string | null>(null);
  /** Bumped to read the brief again (the stale line's button). */
  const [readings, setReadings] = useState(0);
  const briefRefCurrent = useRef<Brief | null>(null);
  const idRef = useRef<string | null>(null);

  /** A brief read or answered: kept unless a newer version is already shown. */
  const takeBrief = useCallback((b: Brief) => {
    const shown = briefRefCurrent.current;
    if (shown && shown.id === b.id && shown.version > b.version) return;
    briefRefCurrent.current = b;
    idRef.current = b.id;
    setBrief(b);
  }, []);

  const refreshRecall = useCallback(() => {
    void store.request('briefs.recall', { ref }).then((r) => r.ok && setRecall(r.value));
  }, [store, ref]);

  useEffect(() => {
    if (!isOpen) return;
    let isCurrent = true;
    void store.request('briefs.get', { ref, limit: PAGE }).then((r) => {
      if (!isCurrent) return;
      if (!r.ok) {
        if (r.error.code === 'brief_unknown') return setLoad({ kind: 'missing', message: r.error.message });
        // A brief already shown stays, with the spec draft and the note being typed on it: a
        // re-read that failed (the socket dropped again, the host slow to answer) says so above
        // it, and the next reconnect reads it again.
        if (briefRefCurrent.current?.number === number) return setStale(`This brief may be behind the host: reading it again failed (${r.error.message}). What you are typing stays.`);
        return setLoad({ kind: 'failed', message: r.error.message });
      }
      setStale(null);
      briefRefCurrent.current = null;
      setHeard(0);
      takeBrief(r.value.brief);
      // The answer replaces what was shown (after a reconnect, merging would leave a hole where
      // entries came while the socket was down). Nothing newer is lost: the host answers in
      // order on one socket, so an event told before this answer is already in it.
      setTrace(r.value.trace);
      setHasOlder(r.value.hasOlder);
      setLoad({ kind: 'loaded' });
      refreshRecall();
    });
    return () => {
      isCurrent = false;
    };
  }, [store, ref, number, isOpen, takeBrief, refreshRecall, readings]);
  // Another brief's line is not this one's.
  useEffect(() => setStale(null), [number]);

  useEffect(() => {
    let briefTimer: ReturnType<typeof setTimeout> | null = null;
    let recallTimer: ReturnType<typeof setTimeout> | null = null;
    const stop = store.onEventOf('brief.changed', (e) => {
      // By number too: an event may arrive before the first answer says which id this is.
      if (e.brief.id !== idRef.current && e.brief.number !== number) return;
      setTrace((t) => mergeTrace(t, e.entries, e.replaced));
      // The summary's fields at once; the spec, links and attachments with the next read.
      const shown = briefRefCurrent.current;
      // This page's own write, already laid in from its answer (brief and recall): nothing to re-read.
      if (shown && shown.version >= e.brief.version) return;
      if (shown) {
        // Not its version: that belongs to the spec shown, which the summary does not carry, and
        // a write made on this page before the re-read must be conditional on the spec it saw
        // (else an older spec could replace a newer one without a conflict). The count of
        // entries does follow at once.
        const { linkCount: _linkCount, version, ...fields } = e.brief;
        takeBrief({ ...shown, ...fields });
        setHeard((h) => Math.max(h, version));
      }
      briefTimer ??= setTimeout(() => {
        briefTimer = null;
        void store.request('briefs.get', { ref, limit: 1 }).then((r) => r.ok && takeBrief(r.value.brief));
      }, 50);
      recallTimer ??= setTimeout(() => {
        recallTimer = null;
        refreshRecall();
      }, RECALL_DEBOUNCE_MS);
    });
    return () => {
      stop();
      if (briefTimer) clearTimeout(briefTimer);
      if (recallTimer) clearTimeout(recallTimer);
    };
  }, [store, ref, number, takeBrief, refreshRecall]);

  const loadOlder = (): void => {
    const oldest = trace[trace.length - 1];
    if (!oldest) return;
    void store.request('briefs.get', { ref, before: oldest.seq, limit: PAGE }).then((r) => {
      if (!r.ok) return;
      setTrace((t) => mergeTrace(t, r.value.trace));
      setHasOlder(r.value.hasOlder);
    });
  };

  const applyAnswer = (value: { brief: Brief; entries: BriefEntry[]; redacted?: BriefEntry }): void => {
    takeBrief(value.brief);
    setTrace((t) => mergeTrace(t, value.entries, value.redacted ? [value.redacted] : []));
    refreshRecall();
  };

  const append = async (action: BriefAction, expectedVersion?: number) => {
    const r = await store.request('briefs.append', { ref, action, via: 'ui', ...(expectedVersion === undefined ? {} : { expectedVersion }) });
    if (r.ok) applyAnswer(r.value);
    return r;
  };

  const redact = async (entryId: string, reason: string) => {
    const r = await store.request('briefs.redact', { ref, entryId, reason, via: 'ui' });
    if (r.ok) applyAnswer(r.value);
    return r;
  };

  return { load, stale, readAgain: () => setReadings((n) => n + 1), brief, trace, total: Math.max(brief?.version ?? 0, heard), hasOlder, loadOlder, recall, append, redact };
}
