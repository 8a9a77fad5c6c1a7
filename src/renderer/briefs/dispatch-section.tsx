import { BriefSection } from './brief-section';

/** "hand-off · dispatch": sending the brief to an agent arrives with dispatch; until then it says so. */
export function DispatchSection() {
  return (
    <BriefSection eyebrow="hand-off · dispatch" title="Dispatch" testId="brief-dispatch">
      <p className="muted brief-side-line">No dispatch requests yet — handing a brief to an agent comes with dispatch.</p>
    </BriefSection>
  );
}
