import type { BriefSummary } from '../../../shared/briefs';

/**
 * The list with `changed` in place of its older self, or added; the same list when nothing
 * the graphs draw changed (a note or a comment), so a busy trace does not lay 200 briefs out
 * again for each entry.
 */
export function withSummary(briefs: BriefSummary[], changed: BriefSummary): BriefSummary[] {
  const at = briefs.findIndex((b) => b.id === changed.id);
  if (at === -1) return [...briefs, changed];
  if (drawnAlike(briefs[at]!, changed)) return briefs;
  return briefs.map((b, i) => (i === at ? changed : b));
}

function drawnAlike(a: BriefSummary, b: BriefSummary): boolean {
  return (
    a.number === b.number &&
    a.title === b.title &&
    a.kind === b.kind &&
    a.status === b.status &&
    a.parentId === b.parentId &&
    a.dependsOn.join() === b.dependsOn.join() &&
    a.projects.map((p) => p.name).join('/') === b.projects.map((p) => p.name).join('/')
  );
}
