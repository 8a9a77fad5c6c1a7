import type { Brief } from '../../shared/briefs';
import { BriefSection } from './brief-section';

/** "agents · waves": who works on the brief, their role, whether they are still on it, and an agent's wave. */
export function ParticipantsSection({ brief }: { brief: Brief }) {
  return (
    <BriefSection eyebrow="agents · waves" title="Participants" testId="brief-participants">
      {brief.participants.length === 0 ? (
        <p className="muted brief-side-line">Nobody yet: whoever writes to the brief joins it.</p>
      ) : (
        <ul className="brief-side-list">
          {brief.participants.map((p) => (
            <li key={p.name} data-testid="participant">
              <span className="participant-name">{p.name}</span>{' '}
              <span className="muted">
                {p.role} · {p.active ? 'active' : 'left'}
                {p.wave !== null ? ` · wave ${p.wave}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </BriefSection>
  );
}
