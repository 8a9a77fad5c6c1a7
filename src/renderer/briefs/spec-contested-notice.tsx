import { useMemo, useState } from 'react';
import type { Brief, BriefEntry, SpecVersion } from '../../shared/briefs';
import { TimeAgo } from '../ui/time-ago';
import { FormError } from './form-error';
import { SafeMarkdown } from './safe-markdown';
import type { OpenBrief } from './use-brief';
import { usePublishBriefItems } from './brief-page-items';
import { KEEP_SPEC, useBriefItemRequest } from './brief-part-requests';

/** Their version's text, when the trace loaded holds it. */
function theirText(entry: BriefEntry | null): string | null {
  return entry && (entry.kind === 'refinement' || entry.kind === 'plan_accepted' || entry.kind === 'created') && entry.payload ? entry.payload.spec : null;
}

const NO_CONFLICTS: readonly SpecVersion[] = [];

const FURTHER_BACK = 'Their text is further back in the trace: load older entries to view it.';

/**
 * The spec is contested (Brief.specConflicts): two edits were made without seeing each other,
 * the later stands and the other is kept in the trace. The notice names the other edit, shows
 * its text on demand, and settles it: "Use theirs" writes a refinement with their text, "Keep
 * this one" writes the current text again; either is based on the current spec, which ends
 * the conflict on every Grove once synced.
 */
export function SpecContestedNotice({ brief, trace, append }: { brief: Brief; trace: readonly BriefEntry[]; append: OpenBrief['append'] }) {
  const conflicts = brief.specConflicts ?? NO_CONFLICTS;
  // The palette's "Use <name>'s version of #N's spec" for each, and "Keep #N's spec as it stands".
  const items = useMemo(
    () =>
      conflicts.length === 0
        ? []
        : [
            ...conflicts.map((c) => ({ id: c.entryId, label: `${c.actor.name}'s version`, unavailable: theirText(trace.find((e) => e.id === c.entryId) ?? null) === null ? FURTHER_BACK : undefined })),
            { id: KEEP_SPEC, label: 'the spec as it stands' },
          ],
    [conflicts, trace],
  );
  usePublishBriefItems('contested', items);
  if (conflicts.length === 0) return null;
  return (
    <div className="spec-contested" role="status" data-testid="spec-contested">
      {conflicts.map((c) => (
        <ContestedVersion key={c.entryId} brief={brief} version={c} entry={trace.find((e) => e.id === c.entryId) ?? null} append={append} />
      ))}
      <KeepThisOne brief={brief} append={append} />
    </div>
  );
}

function ContestedVersion({ brief, version, entry, append }: { brief: Brief; version: SpecVersion; entry: BriefEntry | null; append: OpenBrief['append'] }) {
  const [isOpen, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = theirText(entry);
  const useTheirs = async (): Promise<void> => {
    if (text === null) return;
    const r = await append({ kind: 'refinement', spec: text }, brief.version);
    if (!r.ok) setError(r.error.message);
  };
  useBriefItemRequest('use-theirs', (id) => id === version.entryId && void useTheirs());
  return (
    <div className="spec-contested-version" data-testid="spec-contested-version">
      <p>
        Edited at the same time as <strong>{version.actor.name}</strong>’s edit (<TimeAgo at={version.at} />): the spec below is the later edit, and their version is kept in the trace.
      </p>
      <div className="spec-contested-actions">
        {text === null ? (
          <span className="muted">{FURTHER_BACK}</span>
        ) : (
          <>
            <button type="button" aria-expanded={isOpen} onClick={() => setOpen(!isOpen)} data-testid="spec-contested-view">
              {isOpen ? 'Hide theirs' : 'View theirs'}
            </button>
            <button type="button" onClick={() => void useTheirs()} data-testid="spec-contested-use">
              Use theirs
            </button>
          </>
        )}
      </div>
      {isOpen && text !== null && <SafeMarkdown text={text} className="spec-contested-text" />}
      <FormError message={error} />
    </div>
  );
}

function KeepThisOne({ brief, append }: { brief: Brief; append: OpenBrief['append'] }) {
  const [error, setError] = useState<string | null>(null);
  const keep = async (): Promise<void> => {
    const r = await append({ kind: 'refinement', spec: brief.spec }, brief.version);
    if (!r.ok) setError(r.error.message);
  };
  useBriefItemRequest('keep-spec', (id) => id === KEEP_SPEC && void keep());
  return (
    <div className="spec-contested-actions">
      <button type="button" onClick={() => void keep()} data-testid="spec-contested-keep">
        Keep the spec below
      </button>
      <FormError message={error} />
    </div>
  );
}
