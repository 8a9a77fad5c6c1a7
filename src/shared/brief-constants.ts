/**
 * The briefs' vocabulary and limits, without a validator: the page imports these (it carries
 * no zod); src/shared/briefs.ts builds the schemas from them.
 */
export const BRIEF_KINDS = ['feature', 'bug', 'design', 'ops', 'research', 'chore', 'note', 'epic'] as const;
export type BriefKindName = (typeof BRIEF_KINDS)[number];

/** The usual path is draft → planned → in_progress → in_review → done; cancelled from anywhere. */
export const BRIEF_STATUSES = ['draft', 'planned', 'in_progress', 'in_review', 'done', 'cancelled'] as const;
export type BriefStatusName = (typeof BRIEF_STATUSES)[number];

/** The statuses an agent may move a brief it participates in to. */
export const AGENT_STATUSES: readonly BriefStatusName[] = ['in_progress', 'in_review'];

/** How an entry came: typed in the UI, the CLI, a plain API call, an agent's MCP tool, or Grove itself. */
export const CHANNELS = ['ui', 'cli', 'api', 'mcp', 'automatic'] as const;

/** What a link points at. */
export const LINK_TYPES = ['brief', 'lane', 'agent_run', 'merge', 'incident', 'commit', 'url'] as const;

/** Images a brief accepts, detected from their bytes (never their name). */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** 20 MiB: a full-resolution screenshot with room to spare; anything larger is refused with 413. */
export const MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;

export const MAX_TITLE = 300;
/** A spec is prose for people and agents, not a dump: 200k characters is a long book chapter. */
export const MAX_SPEC = 200_000;
export const MAX_TEXT = 100_000;
export const MAX_REASON = 2_000;
export const MAX_LIST_PAGE = 500;
export const MAX_TRACE_PAGE = 500;

export type EntryKindName =
  | 'created' | 'note' | 'comment' | 'refinement' | 'spec_snapshot' | 'plan_proposed' | 'plan_accepted' | 'status_change'
  | 'details_changed' | 'projects_set' | 'link_added' | 'link_removed' | 'participant_joined' | 'participant_left'
  | 'dependency_added' | 'dependency_removed' | 'parent_set' | 'attachment_added' | 'redaction' | 'renumbered' | 'numbered'
  | 'dispatch_requested' | 'claimed' | 'claim_released';

/** How the trace names each kind, as the seed's trace reads ("link added", "spec snapshot"). */
export const ENTRY_LABELS: Record<EntryKindName, string> = {
  created: 'created',
  note: 'note added',
  comment: 'comment',
  refinement: 'refinement',
  spec_snapshot: 'spec snapshot',
  plan_proposed: 'plan proposed',
  plan_accepted: 'plan accepted',
  status_change: 'status change',
  details_changed: 'details changed',
  projects_set: 'projects set',
  link_added: 'link added',
  link_removed: 'link removed',
  participant_joined: 'participant joined',
  participant_left: 'participant left',
  dependency_added: 'dependency added',
  dependency_removed: 'dependency removed',
  parent_set: 'parent set',
  attachment_added: 'attachment added',
  redaction: 'redaction',
  renumbered: 'renumbered',
  numbered: 'numbered',
  dispatch_requested: 'dispatch requested',
  claimed: 'claimed',
  claim_released: 'claim released',
};

/**
 * A brief is named by `#N`, `N` or its id. Read here, without a validator, so the CLI, the
 * API, the page and (later) the MCP tools read a reference the same way.
 */
export type BriefRefParsed = { kind: 'number'; number: number } | { kind: 'id'; id: string };
export function parseBriefRef(ref: string): BriefRefParsed {
  const m = /^#?(\d{1,9})$/.exec(ref.trim());
  return m ? { kind: 'number', number: Number(m[1]) } : { kind: 'id', id: ref.trim() };
}
