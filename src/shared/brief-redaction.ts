import type { BriefEntry } from './briefs';
import { NEW_EPHEMERAL_LANE } from './ephemeral-lane-name';

/**
 * What of an entry survives its redaction. Text goes; structure that other entries and the
 * projection rely on stays (a created entry keeps its number, kind and status; a status
 * change keeps from and to). Null when nothing of it is left. `cannot` names the kinds
 * that carry nothing a person typed, so there is nothing to redact.
 */
export type Scrubbed = { ok: true; payload: unknown } | { ok: false; reason: string };

export const REDACTED_TITLE = '[redacted]';

export function scrubbed(entry: BriefEntry): Scrubbed {
  switch (entry.kind) {
    case 'created':
      return entry.payload ? { ok: true, payload: { ...entry.payload, title: REDACTED_TITLE, spec: '' } } : { ok: true, payload: null };
    case 'status_change':
      return entry.payload ? { ok: true, payload: { ...entry.payload, reason: null } } : { ok: true, payload: null };
    case 'details_changed':
      return entry.payload?.title !== undefined ? { ok: true, payload: { ...entry.payload, title: REDACTED_TITLE } } : nothing(entry);
    case 'link_removed':
    case 'participant_left':
      return entry.payload ? { ok: true, payload: { ...entry.payload, reason: null } } : { ok: true, payload: null };
    case 'note':
    case 'comment':
    case 'refinement':
    case 'spec_snapshot':
    case 'plan_proposed':
    case 'plan_accepted':
    case 'link_added':
    case 'attachment_added':
      return { ok: true, payload: null };
    case 'projects_set':
    case 'participant_joined':
    case 'dependency_added':
    case 'dependency_removed':
    case 'parent_set':
    case 'redaction':
    case 'renumbered':
    case 'numbered':
    case 'dispatch_requested':
    case 'claimed':
    case 'claim_released':
      return nothing(entry);
  }
}

/**
 * What of a copy of redacted text survives (redaction-spread.ts): a created entry that merely
 * holds the spec loses only the spec; a dispatch request, the lane name its target made from
 * the title (it says only that a new ephemeral lane was asked for); any other copy, what its
 * own redaction would leave.
 */
export function scrubbedCopy(entry: BriefEntry): Scrubbed {
  if (entry.kind === 'created' && entry.payload) return { ok: true, payload: { ...entry.payload, spec: '' } };
  if (entry.kind === 'dispatch_requested' && entry.payload) return { ok: true, payload: { ...entry.payload, target: NEW_EPHEMERAL_LANE } };
  return scrubbed(entry);
}

/**
 * Whether a redaction has nothing left to take from the entry: it is tombstoned and holds
 * what its own redaction would leave. A created entry tombstoned as a copy of a redacted spec
 * still holds its title, so its own redaction still has something to take.
 */
export function fullyRedacted(entry: BriefEntry): boolean {
  if (!entry.redacted) return false;
  const own = scrubbed(entry);
  return !own.ok || JSON.stringify(own.payload) === JSON.stringify(entry.payload);
}

/**
 * Whether the operator may redact the entry now: it holds text someone typed, and its own
 * redaction has not taken it yet. The host decides with the same two functions; the UI
 * offers the redaction (the entry's button, the palette) only where it would be taken.
 */
export function canRedact(entry: BriefEntry): boolean {
  return scrubbed(entry).ok && !fullyRedacted(entry);
}

function nothing(entry: BriefEntry): Scrubbed {
  return { ok: false, reason: `a ${entry.kind.replace(/_/g, ' ')} entry holds no text anyone typed, so there is nothing to redact` };
}
