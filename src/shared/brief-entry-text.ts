import type { BriefEntry } from './briefs';

/**
 * An entry's content as plain text, for readers that show it as text: the agent's-eye
 * payload and the CLI. Structural entries read as a short sentence; texts as they were
 * written; a refinement as its diff's size (the spec itself is shown once, as it is now).
 * Empty for a redacted entry (the caller shows its tombstone) and for `created`.
 */
export function entrySummary(e: BriefEntry): string {
  if (e.redacted || e.payload === null) return '';
  switch (e.kind) {
    case 'created':
      return '';
    case 'note':
    case 'comment':
      return e.payload.text;
    case 'refinement': {
      const lines = e.payload.diff.split('\n');
      const added = lines.filter((l) => l.startsWith('+') && !l.startsWith('+++')).length;
      const removed = lines.filter((l) => l.startsWith('-') && !l.startsWith('---')).length;
      return `The spec was edited (+${added} −${removed} lines).`;
    }
    case 'spec_snapshot':
      return `Spec snapshot (${e.payload.spec.length.toLocaleString('en')} characters)${e.payload.reason ? `: ${e.payload.reason}` : ''}.`;
    case 'plan_proposed':
      return `${e.payload.summary ? `${e.payload.summary}\n` : ''}${e.payload.spec}`;
    case 'plan_accepted':
      return `Plan ${e.payload.planEntryId} accepted as the spec.`;
    case 'status_change':
      return `${e.payload.from} → ${e.payload.to}${e.payload.reason ? `: ${e.payload.reason}` : ''}`;
    case 'details_changed':
      return [e.payload.title !== undefined ? `title: ${e.payload.title}` : null, e.payload.kind !== undefined ? `kind: ${e.payload.kind}` : null]
        .filter(Boolean)
        .join('; ');
    case 'projects_set':
      return `projects: ${e.payload.projects.map((p) => (p.primary ? `${p.name} (primary)` : p.name)).join(', ')}`;
    case 'link_added':
      return `${e.payload.label ? `${e.payload.label}: ` : ''}${e.payload.type.replace('_', ' ')} ${e.payload.target}`;
    case 'link_removed':
      return `link ${e.payload.linkId} removed${e.payload.reason ? `: ${e.payload.reason}` : ''}`;
    case 'participant_joined':
      return `${e.payload.name} joined as ${e.payload.role}${e.payload.wave !== null ? ` (wave ${e.payload.wave})` : ''}`;
    case 'participant_left':
      return `${e.payload.name} left${e.payload.reason ? `: ${e.payload.reason}` : ''}`;
    case 'dependency_added':
      return `now depends on ${e.payload.briefId}`;
    case 'dependency_removed':
      return `no longer depends on ${e.payload.briefId}`;
    case 'parent_set':
      return e.payload.parentId ? `epic parent set to ${e.payload.parentId}` : 'epic parent cleared';
    case 'attachment_added':
      return `${e.payload.name} (${e.payload.type}, ${Math.ceil(e.payload.size / 1024)} KiB)`;
    case 'redaction':
      return `entry ${e.payload.entryId} redacted: ${e.payload.reason}`;
    case 'renumbered':
      return `renumbered #${e.payload.from} → #${e.payload.to}`;
    case 'numbered':
      return `numbered #${e.payload.number} by the shared store`;
    case 'dispatch_requested':
      return `${e.payload.phase === 'design' ? 'design pass' : 'build'} to ${e.payload.target} (${e.payload.preset}, ${e.payload.role})${e.payload.auto ? ', auto-dispatch' : ''}`;
    case 'claimed':
      return `claimed by ${e.payload.agent}`;
    case 'claim_released':
      return `${e.payload.agent} released its claim: ${e.payload.reason}`;
  }
}
