import type { Recall } from '../../shared/briefs';
import { count } from '../../shared/plural';
import { BriefSection } from './brief-section';

/**
 * "dogfood · read-only": the literal payload an agent reads (briefs.recall, the function
 * `grove brief recall` and the MCP tool call), with what it costs an agent's context.
 */
export function AgentsEyeSection({ recall }: { recall: Recall | null }) {
  return (
    <BriefSection eyebrow="dogfood · read-only" title="Agent’s-eye view" testId="brief-agents-eye">
      <p className="muted brief-side-line">The literal recall_brief payload an agent gets — same service path as the MCP tool.</p>
      {recall === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <p className="recall-size" data-testid="recall-size">
            {count(recall.chars, 'character')} · ~{count(recall.approxTokens, 'token')}
            {recall.entriesShown < recall.entriesTotal && ` · latest ${recall.entriesShown} of ${recall.entriesTotal} entries`}
          </p>
          <pre className="recall-text" tabIndex={0} aria-label="Recall payload" data-testid="recall-text">
            {recall.text}
          </pre>
        </>
      )}
    </BriefSection>
  );
}
