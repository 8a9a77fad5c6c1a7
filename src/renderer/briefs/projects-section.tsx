import type { Brief } from '../../shared/briefs';
import { BriefSection } from './brief-section';

/** "scope": the projects the brief belongs to; one is primary. */
export function ProjectsSection({ brief }: { brief: Brief }) {
  return (
    <BriefSection eyebrow="scope" title="Projects" testId="brief-projects">
      {brief.projects.length === 0 ? (
        <p className="muted brief-side-line">No project.</p>
      ) : (
        <ul className="brief-side-list">
          {brief.projects.map((p) => (
            <li key={p.name} data-testid="project">
              {p.name}
              {p.primary && <span className="muted"> · primary</span>}
            </li>
          ))}
        </ul>
      )}
    </BriefSection>
  );
}
