import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DiffFile, Lane, LaneDiff } from '../../shared/lanes';
import { useHostStore, useIsConnected } from '../connection/use-host';
import { count } from '../../shared/plural';
import { shortSha } from './lane-labels';
import './lanes.css';
import { parsePatch } from './parse-patch';
import { PatchView, type PatchFocus, type PatchLayout } from './patch-view';

/**
 * A lane's changes against MAIN, as a reviewer reads them before a merge: commits ahead
 * and behind, whether uncommitted edits are included, the files with their counts, and
 * the patch. Fetched when opened, when MAIN's head moves, when the lane's own HEAD or
 * index changes (a commit in its terminal: the host's `lane.head` event), and on "Refresh".
 * Edits not yet staged tell no event; "Refresh" shows them.
 */
/** The last diff stays on screen while a refresh reads the lane again. */
export interface DiffState {
  diff: LaneDiff | null;
  isLoading: boolean;
  error: string | null;
}

const STATUS_MARK: Record<DiffFile['status'], string> = {
  added: 'A',
  modified: 'M',
  deleted: 'D',
  renamed: 'R',
  copied: 'C',
  'type-changed': 'T',
};

/** The lane's diff against MAIN, read again when MAIN's head or the lane's HEAD or index moves, and after a reconnect. */
export function useLaneDiff(lane: Lane, mainHead: string | null): { state: DiffState; reload: () => void } {
  const store = useHostStore();
  const [state, setState] = useState<DiffState>({ diff: null, isLoading: true, error: null });
  const latest = useRef(0);
  // Only this lane's marker: the caller re-renders when it changes, not on every event.
  const laneHeadChanges = useSyncExternalStore(store.subscribe, () => store.getSnapshot().laneHeadChanges[lane.id] ?? 0);

  const load = useCallback(async (): Promise<void> => {
    // Only the last request's answer is shown, whichever order the answers come in.
    const n = ++latest.current;
    setState((s) => ({ ...s, isLoading: true }));
    const r = await store.request('lanes.diff', { id: lane.id });
    if (n !== latest.current) return;
    setState((s) => (r.ok ? { diff: r.value.diff, isLoading: false, error: null } : { ...s, isLoading: false, error: r.error.message }));
  }, [store, lane.id]);

  const isConnected = useIsConnected();
  useEffect(() => {
    if (isConnected) void load();
  }, [load, mainHead, laneHeadChanges, isConnected]);

  return { state, reload: () => void load() };
}

/** A diff read by the caller (`useLaneDiff`), so the merge preflight can count the same commits. */
export function LaneDiffContent({ lane, state, onRefresh, focus }: { lane: Lane; state: DiffState; onRefresh: () => void; focus?: PatchFocus | null }) {
  const [layout, setLayout] = useState<PatchLayout>('unified');
  return (
    <section className="lane-diff" data-testid="lane-diff" aria-label={`Changes of ${lane.name} against MAIN`}>
      <header className="lane-diff-head">
        <DiffSummary state={state} />
        <div className="segmented" role="group" aria-label="Patch layout">
          <button type="button" aria-pressed={layout === 'unified'} onClick={() => setLayout('unified')}>Unified</button>
          <button type="button" aria-pressed={layout === 'side-by-side'} onClick={() => setLayout('side-by-side')}>Side by side</button>
        </div>
        <button type="button" onClick={onRefresh} disabled={state.isLoading}>Refresh</button>
      </header>
      {state.error && <p className="error" role="alert">{state.error}</p>}
      {state.diff && <DiffBody diff={state.diff} layout={layout} focus={focus ?? null} />}
    </section>
  );
}

function DiffSummary({ state }: { state: DiffState }) {
  const d = state.diff;
  if (!d) return <span className="diff-summary">{state.isLoading ? 'Reading the lane…' : 'No diff'}</span>;
  return (
    <span className="diff-summary" data-testid="diff-summary">
      {count(d.ahead.length, 'commit')} ahead of {d.mainBranch}, {d.behind} behind
      {d.uncommitted && <span className="badge badge-pending" data-testid="diff-uncommitted">uncommitted edits included</span>}
    </span>
  );
}

function DiffBody({ diff, layout, focus }: { diff: LaneDiff; layout: PatchLayout; focus: PatchFocus | null }) {
  const files = useMemo(() => parsePatch(diff.patch), [diff.patch]);
  return (
    <>
      {diff.ahead.length > 0 && (
        <ol className="diff-commits" aria-label="Commits ahead of MAIN">
          {diff.ahead.map((c) => (
            <li key={c.sha}>
              <code>{shortSha(c.sha)}</code> {c.subject} <span className="muted">— {c.author}</span>
            </li>
          ))}
        </ol>
      )}
      {diff.files.length === 0 ? (
        <p className="hint">No changes against {diff.mainBranch}.</p>
      ) : (
        <table className="diff-files" data-testid="diff-files" aria-label="Changed files">
          <tbody>
            {diff.files.map((f) => (
              <tr key={`${f.oldPath ?? ''}>${f.path}`} className={focus?.path === f.path ? 'diff-file-focused' : undefined}>
                <td className={`file-status status-${f.status}`} title={f.status}>{STATUS_MARK[f.status]}</td>
                <td className="file-path"><code>{f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}</code></td>
                {f.binary ? (
                  <td colSpan={2} className="muted">binary</td>
                ) : (
                  <>
                    <td className="count-add">+{f.additions}</td>
                    <td className="count-del">−{f.deletions}</td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.truncated && <p className="hint">The patch is longer than the host sends (2 MiB); the files listed above are complete, the patch below is not.</p>}
      <PatchView files={files} layout={layout} focus={focus} />
    </>
  );
}
