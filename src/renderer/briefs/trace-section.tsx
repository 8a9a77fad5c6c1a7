import { EyeOff } from 'lucide-react';
import { useMemo, useState } from 'react';
import { ENTRY_LABELS } from '../../shared/brief-constants';
import type { Brief, BriefEntry } from '../../shared/briefs';
import { TimeAgo } from '../ui/time-ago';
import { AttachmentDropZone } from './attachments/attachment-drop-zone';
import { actorLabel, briefRef } from './brief-labels';
import { BriefSection } from './brief-section';
import { RedactDialog } from './redact-dialog';
import { TraceComposer } from './trace-composer';
import { briefIdsIn, TraceEntryContent } from './trace-entry-content';
import { useBriefNames } from './use-brief-names';
import type { OpenBrief } from './use-brief';
import { useWrite } from './use-write';
import { FormError } from './form-error';
import { entrySummary } from '../../shared/brief-entry-text';
import { canRedact } from '../../shared/brief-redaction';
import { usePublishBriefItems, type BriefPageItem } from './brief-page-items';
import { useBriefItemRequest } from './brief-part-requests';


/** An entry's first line, cut to what fits beside a palette command. */
const firstWords = (text: string): string | undefined => {
  const line = text.split('\n')[0]!.trim();
  return line === '' ? undefined : line.length > 60 ? `${line.slice(0, 59)}…` : line;
};

/** The palette's "Redact #N's entry …": found by its author and words, shown with its first words. */
function redactItem(entry: BriefEntry, ordinal: number): BriefPageItem {
  const text = entrySummary(entry);
  return { id: entry.id, label: entryLabel(ordinal, entry), detail: firstWords(text), words: `${actorLabel(entry.actor)} ${text.slice(0, 200)}` };
}

/** "12. note added": its number counted from the oldest, and its kind. */
const entryLabel = (ordinal: number, entry: BriefEntry): string => `${ordinal}. ${ENTRY_LABELS[entry.kind]}`;

/**
 * The trace ("provenance · append-only"): every entry, newest first, numbered from the
 * oldest (1), with who wrote it and when; live. The composer adds a note or a comment, and
 * screenshots are dropped or pasted onto it. The operator may redact an entry that holds
 * text someone typed (canRedact: the host's own rule).
 */
export function TraceSection({ open, brief }: { open: OpenBrief; brief: Brief }) {
  const { trace, total, hasOlder } = open;
  const [redacting, setRedacting] = useState<{ entry: BriefEntry; label: string } | null>(null);
  const names = useBriefNames(useMemo(() => trace.flatMap(briefIdsIn), [trace]));
  const accepted = useMemo(() => new Set(trace.flatMap((e) => (e.kind === 'plan_accepted' && e.payload ? [e.payload.planEntryId] : []))), [trace]);
  // Through useWrite: a second click while the first acceptance is on its way adds no second one.
  const acceptWrite = useWrite();
  const acceptPlan = (planEntryId: string): void => acceptWrite.run(() => open.append({ kind: 'plan_accepted', planEntryId }));
  // The palette's "Redact entry N", one per entry loaded that the operator may redact.
  const redactable = useMemo(
    () =>
      trace.flatMap((entry, i) =>
        canRedact(entry) ? [redactItem(entry, total - i)] : [],
      ),
    [trace, total],
  );
  usePublishBriefItems('entries', redactable);
  // The palette's "Accept #N's plan", one per proposed plan loaded and not accepted yet.
  const plans = useMemo(
    () =>
      trace.flatMap((entry, i) =>
        entry.kind === 'plan_proposed' && !entry.redacted && !accepted.has(entry.id) ? [{ id: entry.id, label: `(entry ${total - i}, by ${actorLabel(entry.actor)})`, detail: firstWords(entry.payload?.summary ?? '') }] : [],
      ),
    [trace, total, accepted],
  );
  usePublishBriefItems('plans', plans);
  useBriefItemRequest('accept-plan', (id) => plans.some((p) => p.id === id) && acceptPlan(id));
  useBriefItemRequest('redact-entry', (id) => {
    const i = trace.findIndex((e) => e.id === id);
    const entry = trace[i];
    if (entry && canRedact(entry)) setRedacting({ entry, label: `entry ${entryLabel(total - i, entry)}` });
  });

  return (
    <BriefSection
      eyebrow="provenance · append-only"
      title="Trace"
      testId="brief-trace"
      className="brief-trace"
      aside={
        <span className="trace-live" title="New entries appear as they are written">
          <span className="trace-live-dot" aria-hidden /> live
        </span>
      }
    >
      <AttachmentDropZone briefRef={briefRef(brief.number)} label="…or paste a screenshot" className="trace-drop" pickerPart="attach">
        <TraceComposer append={open.append} />
      </AttachmentDropZone>
      <FormError message={acceptWrite.error} />
      <ol className="trace-list" aria-label="Trace entries, newest first" data-testid="trace-list">
        {trace.map((entry, i) => {
          const ordinal = total - i;
          const label = entryLabel(ordinal, entry);
          return (
            <li key={entry.id} className="trace-entry" data-testid="trace-entry" data-kind={entry.kind} data-redacted={entry.redacted ? 'true' : undefined}>
              <div className="trace-entry-head">
                <span className="trace-ordinal">{ordinal}.</span>
                <span className="trace-kind">{ENTRY_LABELS[entry.kind]}</span>
                <TimeAgo at={entry.at} className="trace-time" />
                {canRedact(entry) && (
                  <button type="button" className="icon-button trace-redact" aria-label={`Redact entry ${label}`} title="Redact" onClick={() => setRedacting({ entry, label: `entry ${label}` })}>
                    <EyeOff size={14} aria-hidden />
                  </button>
                )}
              </div>
              <TraceEntryContent entry={entry} brief={brief} names={names} isPlanAccepted={accepted.has(entry.id)} onAcceptPlan={acceptPlan} />
              <p className="trace-actor" data-testid="trace-actor">
                {actorLabel(entry.actor)}
                {entry.channel !== 'ui' && entry.channel !== 'automatic' && <span className="trace-channel"> · via {entry.channel}</span>}
              </p>
            </li>
          );
        })}
      </ol>
      {hasOlder && (
        <button type="button" className="brief-more" onClick={open.loadOlder} data-testid="trace-older">
          Older entries ({total - trace.length})
        </button>
      )}
      {redacting && (
        <RedactDialog
          label={redacting.label}
          onOpenChange={(o) => !o && setRedacting(null)}
          onRedact={async (reason) => {
            const r = await open.redact(redacting.entry.id, reason);
            return r.ok ? null : r.error.message;
          }}
        />
      )}
    </BriefSection>
  );
}
