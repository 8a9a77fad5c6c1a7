import type { BriefEntry } from '../../shared/briefs';

/**
 * The words of an entry that full-text search finds: titles, specs, notes, reasons, link
 * targets and attachment names. A redacted entry keeps only what its tombstone left.
 */
export function searchableText(entry: BriefEntry): string {
  const parts: (string | null | undefined)[] = [];
  switch (entry.kind) {
    case 'created':
      parts.push(entry.payload?.title, entry.payload?.spec);
      break;
    case 'note':
    case 'comment':
      parts.push(entry.payload?.text);
      break;
    case 'refinement':
    case 'spec_snapshot':
    case 'plan_accepted':
      parts.push(entry.payload?.spec);
      break;
    case 'plan_proposed':
      parts.push(entry.payload?.summary, entry.payload?.spec);
      break;
    case 'status_change':
      parts.push(entry.payload?.reason);
      break;
    case 'details_changed':
      parts.push(entry.payload?.title);
      break;
    case 'link_added':
      parts.push(entry.payload?.target, entry.payload?.label);
      break;
    case 'attachment_added':
      parts.push(entry.payload?.name);
      break;
    case 'link_removed':
    case 'participant_left':
      parts.push(entry.payload?.reason);
      break;
    default:
      break;
  }
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n');
}
