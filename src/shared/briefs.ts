import { z } from 'zod';
import {
  ATTACHMENT_TYPES,
  BRIEF_KINDS,
  BRIEF_STATUSES,
  CHANNELS,
  LINK_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_LIST_PAGE,
  MAX_REASON,
  MAX_SPEC,
  MAX_TEXT,
  MAX_TITLE,
  type EntryKindName,
} from './brief-constants';

export * from './brief-constants';

/**
 * Briefs: the unit of work and the record of everything that happened to it.
 *
 * A brief IS its trace: an append-only log of entries, each immutable, globally unique
 * (UUIDv7), attributed (actor + channel) and stamped with a hybrid logical clock, so the
 * log replicates to a shared store without conflicts (docs/briefs.md). Everything else a
 * brief shows (title, status, spec, relationships, participants, links, attachments) is a
 * projection of those entries, rebuildable from them alone (src/shared/brief-projection.ts).
 */

export const BriefKind = z.enum(BRIEF_KINDS);
export type BriefKind = z.infer<typeof BriefKind>;

export const BriefStatus = z.enum(BRIEF_STATUSES);
export type BriefStatus = z.infer<typeof BriefStatus>;

export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

/** Who wrote an entry: shown as "operator · operator:mike", "agent · flower-orchestrator", "system · …". */
export const ActorKind = z.enum(['operator', 'agent', 'system']);
export type ActorKind = z.infer<typeof ActorKind>;
export const Actor = z.object({ kind: ActorKind, name: z.string().min(1).max(200) }).strict();
export type Actor = z.infer<typeof Actor>;

export const LinkType = z.enum(LINK_TYPES);
export type LinkType = z.infer<typeof LinkType>;

export const AttachmentType = z.enum(ATTACHMENT_TYPES);
export type AttachmentType = z.infer<typeof AttachmentType>;

const Title = z
  .string()
  .trim()
  .min(1, 'title is empty: give the brief a short title')
  .max(MAX_TITLE, `title is longer than ${MAX_TITLE} characters: put the detail in the spec`);
const Spec = z.string().max(MAX_SPEC, `spec is longer than ${MAX_SPEC} characters`);
const Text = z.string().trim().min(1, 'text is empty').max(MAX_TEXT, `text is longer than ${MAX_TEXT} characters`);
const Reason = z.string().trim().max(MAX_REASON, `reason is longer than ${MAX_REASON} characters`);
const Id = z.string().min(1).max(200);
/** A project is a name; it maps to a registered repository of the same name when there is one. */
export const ProjectName = z
  .string()
  .trim()
  .min(1, 'project name is empty')
  .max(100, 'project name is longer than 100 characters')
  .regex(/^[^\s/\\#][^/\\#]*$/, 'project names may not contain slashes or # nor start with a space');
export const BriefProject = z.object({ name: ProjectName, primary: z.boolean() }).strict();
export type BriefProject = z.infer<typeof BriefProject>;

/** Sha256 in hex: a blob's name in the content-addressed store. */
export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'sha256 must be 64 lowercase hex digits');

/** A participant's place: anyone may be a participant; an agent may also carry a wave number. */
export const ParticipantKind = z.enum(['operator', 'agent']);
const ParticipantName = z.string().trim().min(1).max(200);
const Role = z.string().trim().min(1).max(60);

/**
 * The payload of each kind of entry. An entry's payload is null once it is redacted (its
 * tombstone says who and why); its kind, actor and time stay.
 */
export const EntryPayloads = {
  /** The brief began: its first title, kind, status, spec and projects; `number` is the number it was given. */
  created: z
    .object({
      title: Title,
      kind: BriefKind,
      status: BriefStatus,
      spec: Spec,
      projects: z.array(BriefProject).max(20),
      number: z.number().int().positive(),
    })
    .strict(),
  note: z.object({ text: Text }).strict(),
  comment: z.object({ text: Text }).strict(),
  /**
   * The canonical spec was edited: the new text and a unified diff from the previous one.
   * `base` is the entry whose spec was edited (the spec's source when the editor read it); an
   * edit whose base is not the spec it replaces was concurrent with another (Brief.specConflicts).
   * Refinements written before it existed have none: each is taken as based on what preceded it.
   */
  refinement: z.object({ spec: Spec, diff: z.string(), base: Id.optional() }).strict(),
  /** An immutable copy of the spec at a moment that matters (before a plan is accepted, at dispatch); `base` is the entry the copied spec came from. */
  spec_snapshot: z.object({ spec: Spec, reason: Reason.nullable(), base: Id.optional() }).strict(),
  plan_proposed: z.object({ spec: Spec, summary: Reason }).strict(),
  /** A proposed plan became the canonical spec. */
  plan_accepted: z.object({ planEntryId: Id, spec: Spec }).strict(),
  status_change: z.object({ from: BriefStatus, to: BriefStatus, reason: Reason.nullable() }).strict(),
  details_changed: z.object({ title: Title.optional(), kind: BriefKind.optional() }).strict(),
  projects_set: z.object({ projects: z.array(BriefProject).max(20) }).strict(),
  link_added: z
    .object({ linkId: Id, type: LinkType, target: z.string().trim().min(1).max(2000), label: z.string().trim().max(100).nullable() })
    .strict(),
  link_removed: z.object({ linkId: Id, reason: Reason.nullable() }).strict(),
  participant_joined: z
    .object({ name: ParticipantName, kind: ParticipantKind, role: Role, wave: z.number().int().nonnegative().nullable() })
    .strict(),
  participant_left: z.object({ name: ParticipantName, reason: Reason.nullable() }).strict(),
  dependency_added: z.object({ briefId: Id }).strict(),
  dependency_removed: z.object({ briefId: Id }).strict(),
  /** The brief's epic parent was set (or cleared: null). */
  parent_set: z.object({ parentId: Id.nullable() }).strict(),
  attachment_added: z
    .object({
      attachmentId: Id,
      sha256: Sha256,
      name: z.string().trim().min(1).max(255),
      type: AttachmentType,
      size: z.number().int().positive().max(MAX_ATTACHMENT_BYTES),
    })
    .strict(),
  /** Another entry's content was replaced by a tombstone. */
  redaction: z.object({ entryId: Id, reason: Reason.min(1, 'say why the entry is redacted') }).strict(),
  /** The brief's number changed (an import met a number already taken here). */
  renumbered: z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).strict(),
  /**
   * The shared store gave the brief its number (docs/sync.md, Brief numbers): written there, in
   * the push transaction that first brought the brief, never on a host; every host learns it by
   * pulling. It outranks any local number. `store` is the identity of the shared store that gave
   * it (a host counts only its current store's numbers; one without `store` predates store
   * identities and counts for any store).
   */
  numbered: z.object({ number: z.number().int().positive(), store: z.string().min(1).max(64).optional() }).strict(),
  /**
   * The brief was asked of an agent (docs/mcp.md, Dispatch): where (a lane's name, or a new
   * ephemeral lane), which preset and role, and whether a design pass or auto-dispatch applies.
   */
  dispatch_requested: z
    .object({
      dispatchId: Id,
      target: z.string().min(1).max(200),
      preset: z.string().min(1).max(40),
      role: z.enum(['worker', 'orchestrator']),
      phase: z.enum(['design', 'build']),
      designFirst: z.boolean(),
      auto: z.boolean(),
    })
    .strict(),
  /** An agent took the brief: one claim per brief, held while the agent lives. */
  claimed: z.object({ dispatchId: Id.nullable(), agent: ParticipantName }).strict(),
  /** The claim ended: the agent exited, went fatal, was recycled, or the work merged. */
  claim_released: z.object({ dispatchId: Id.nullable(), agent: ParticipantName, reason: Reason }).strict(),
} as const;

export type EntryKind = keyof typeof EntryPayloads;
export const ENTRY_KINDS = Object.keys(EntryPayloads) as EntryKind[];
export const EntryKind = z.enum(ENTRY_KINDS as [EntryKind, ...EntryKind[]]);
/** The page's list of kinds (brief-constants.ts) is exactly the schemas' (a kind added to one only fails to compile). */
type SameKinds = [EntryKind] extends [EntryKindName] ? ([EntryKindName] extends [EntryKind] ? true : false) : false;
const sameKinds: SameKinds = true;
void sameKinds;
export type PayloadOf<K extends EntryKind> = z.infer<(typeof EntryPayloads)[K]>;

/** What a reader sees of a redacted entry instead of its content. */
export const Tombstone = z
  .object({ by: Actor, reason: z.string(), at: z.string(), redactionId: Id })
  .strict();
export type Tombstone = z.infer<typeof Tombstone>;

const entryMeta = {
  id: Id,
  briefId: Id,
  /** This store's order of arrival (1, 2, …); a replica's order may differ, `hlc` orders across replicas. */
  seq: z.number().int().nonnegative(),
  actor: Actor,
  channel: Channel,
  at: z.string(),
  /** Hybrid logical clock: `<ms, 13 digits>-<counter, 4 digits>-<node>`; sorts as text. */
  hlc: z.string().min(1).max(100),
  redacted: Tombstone.nullable(),
};

function entryOf<K extends EntryKind, S extends z.ZodType>(kind: K, payload: S) {
  return z.object({ ...entryMeta, kind: z.literal(kind), payload: z.nullable(payload) }).strict();
}

export const BriefEntry = z.discriminatedUnion('kind', [
  entryOf('created', EntryPayloads.created),
  entryOf('note', EntryPayloads.note),
  entryOf('comment', EntryPayloads.comment),
  entryOf('refinement', EntryPayloads.refinement),
  entryOf('spec_snapshot', EntryPayloads.spec_snapshot),
  entryOf('plan_proposed', EntryPayloads.plan_proposed),
  entryOf('plan_accepted', EntryPayloads.plan_accepted),
  entryOf('status_change', EntryPayloads.status_change),
  entryOf('details_changed', EntryPayloads.details_changed),
  entryOf('projects_set', EntryPayloads.projects_set),
  entryOf('link_added', EntryPayloads.link_added),
  entryOf('link_removed', EntryPayloads.link_removed),
  entryOf('participant_joined', EntryPayloads.participant_joined),
  entryOf('participant_left', EntryPayloads.participant_left),
  entryOf('dependency_added', EntryPayloads.dependency_added),
  entryOf('dependency_removed', EntryPayloads.dependency_removed),
  entryOf('parent_set', EntryPayloads.parent_set),
  entryOf('attachment_added', EntryPayloads.attachment_added),
  entryOf('redaction', EntryPayloads.redaction),
  entryOf('renumbered', EntryPayloads.renumbered),
  entryOf('numbered', EntryPayloads.numbered),
  entryOf('dispatch_requested', EntryPayloads.dispatch_requested),
  entryOf('claimed', EntryPayloads.claimed),
  entryOf('claim_released', EntryPayloads.claim_released),
]);
export type BriefEntry = z.infer<typeof BriefEntry>;
export type EntryOfKind<K extends EntryKind> = Extract<BriefEntry, { kind: K }>;


export const Participant = z
  .object({
    name: z.string(),
    kind: ParticipantKind,
    role: z.string(),
    active: z.boolean(),
    wave: z.number().int().nullable(),
    joinedAt: z.string(),
  })
  .strict();
export type Participant = z.infer<typeof Participant>;

export const BriefLink = z
  .object({ id: z.string(), type: LinkType, target: z.string(), label: z.string().nullable(), addedBy: Actor, at: z.string() })
  .strict();
export type BriefLink = z.infer<typeof BriefLink>;

export const BriefAttachment = z
  .object({ id: z.string(), entryId: z.string(), sha256: Sha256, name: z.string(), type: AttachmentType, size: z.number().int(), addedBy: Actor, at: z.string() })
  .strict();
export type BriefAttachment = z.infer<typeof BriefAttachment>;

/** A version of the spec, by reference: the entry that set it, who wrote it and when. */
export const SpecVersion = z.object({ entryId: z.string(), actor: Actor, at: z.string() }).strict();
export type SpecVersion = z.infer<typeof SpecVersion>;

/** A brief's current state: the projection of its entries (src/shared/brief-projection.ts). */
export const Brief = z
  .object({
    id: z.string(),
    number: z.number().int().positive(),
    /**
     * While sync is on, a brief the shared store has not numbered yet (made offline, or not
     * pushed yet): its number is this host's and may change at its first push. Always false
     * with sync off.
     */
    numberProvisional: z.boolean(),
    title: z.string(),
    kind: BriefKind,
    status: BriefStatus,
    spec: z.string(),
    projects: z.array(BriefProject),
    parentId: z.string().nullable(),
    dependsOn: z.array(z.string()),
    participants: z.array(Participant),
    links: z.array(BriefLink),
    attachments: z.array(BriefAttachment),
    createdAt: z.string(),
    createdBy: Actor,
    /** The time of the latest entry: "last activity". */
    updatedAt: z.string(),
    /** How many entries the brief has; a writer may pass it as `expectedVersion`. */
    version: z.number().int().nonnegative(),
    /** The entry the spec comes from (absent on a brief not folded since Grove recorded it). */
    specSource: SpecVersion.nullable().optional(),
    /**
     * Spec versions that lost to a concurrent edit (two edits of the same spec, made without
     * seeing each other: the later by HLC is the spec), kept by reference until someone edits
     * the spec again (a refinement based on the current spec, or one taking a losing version's
     * text). Empty or absent when the spec is uncontested.
     */
    specConflicts: z.array(SpecVersion).optional(),
  })
  .strict();
export type Brief = z.infer<typeof Brief>;

/** A row of the list and a node of the graphs: the brief without its spec, links and attachments. */
export const BriefSummary = Brief.omit({ spec: true, links: true, attachments: true, specSource: true, specConflicts: true }).extend({
  linkCount: z.number().int().nonnegative(),
});
export type BriefSummary = z.infer<typeof BriefSummary>;

export function summaryOf(brief: Brief): BriefSummary {
  const { spec: _spec, links, attachments: _attachments, specSource: _source, specConflicts: _conflicts, ...rest } = brief;
  return { ...rest, linkCount: links.length };
}

/** A brief reference as the API takes it (`#N`, `N` or an id; see parseBriefRef in brief-constants.ts). */
export const BriefRef = z
  .string()
  .trim()
  .min(1, 'brief reference is empty: give #N, N or the brief id')
  .max(200);

/**
 * What a writer asks for; the host turns it into an entry (adding ids, the actor, the
 * diff of a refinement, the `from` of a status change). One union, so every client (UI,
 * CLI, MCP) writes through the same checks.
 */
export const BriefAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('note'), text: Text }).strict(),
  z.object({ kind: z.literal('comment'), text: Text }).strict(),
  z.object({ kind: z.literal('refinement'), spec: Spec }).strict(),
  z.object({ kind: z.literal('spec_snapshot'), reason: Reason.optional() }).strict(),
  z.object({ kind: z.literal('plan_proposed'), spec: Spec.min(1, 'the plan is empty'), summary: Reason }).strict(),
  z.object({ kind: z.literal('plan_accepted'), planEntryId: Id }).strict(),
  z.object({ kind: z.literal('status_change'), to: BriefStatus, reason: Reason.optional() }).strict(),
  z
    .object({ kind: z.literal('details_changed'), title: Title.optional(), briefKind: BriefKind.optional() })
    .strict()
    .refine((a) => a.title !== undefined || a.briefKind !== undefined, 'give a new title or kind'),
  z.object({ kind: z.literal('projects_set'), projects: z.array(BriefProject).min(1).max(20) }).strict(),
  z
    .object({ kind: z.literal('link_added'), type: LinkType, target: z.string().trim().min(1).max(2000), label: z.string().trim().max(100).optional() })
    .strict(),
  z.object({ kind: z.literal('link_removed'), linkId: Id, reason: Reason.optional() }).strict(),
  z
    .object({
      kind: z.literal('participant_joined'),
      name: ParticipantName,
      participantKind: ParticipantKind,
      role: Role.optional(),
      wave: z.number().int().nonnegative().optional(),
    })
    .strict(),
  z.object({ kind: z.literal('participant_left'), name: ParticipantName, reason: Reason.optional() }).strict(),
  z.object({ kind: z.literal('dependency_added'), on: BriefRef }).strict(),
  z.object({ kind: z.literal('dependency_removed'), on: BriefRef }).strict(),
  z.object({ kind: z.literal('parent_set'), parent: BriefRef.nullable() }).strict(),
  z
    .object({ kind: z.literal('attachment_added'), sha256: Sha256, name: z.string().trim().min(1).max(255) })
    .strict(),
]);
export type BriefAction = z.infer<typeof BriefAction>;
export type ActionKind = BriefAction['kind'];

/** What an agent's own token may write (the operator may write everything, and redact). */
export const AGENT_ACTIONS: readonly ActionKind[] = ['note', 'comment', 'plan_proposed', 'link_added', 'attachment_added', 'status_change'];

/** Channels a caller may claim; `mcp` and `automatic` are set by the host itself. */
export const CallerChannel = z.enum(['ui', 'cli', 'api']);

export const NewBrief = z
  .object({
    title: Title,
    kind: BriefKind.default('feature'),
    spec: Spec.default(''),
    /** The first is primary unless one says otherwise. */
    projects: z.array(ProjectName).max(20).default([]),
    parent: BriefRef.optional(),
    via: CallerChannel.optional(),
  })
  .strict();

export const ListBriefsParams = z
  .object({
    project: ProjectName.optional(),
    status: z.array(BriefStatus).max(BRIEF_STATUSES.length).optional(),
    kind: z.array(BriefKind).max(BRIEF_KINDS.length).optional(),
    /** Full-text search over titles, specs and trace text (words; the last one matches as a prefix). */
    query: z.string().trim().max(500).optional(),
    cursor: z.string().max(500).optional(),
    limit: z.number().int().min(1).max(MAX_LIST_PAGE).optional(),
  })
  .strict();

/** One line of `grove brief export`: every entry of the store, oldest first, replayable by import. */
export const ExportedEntry = BriefEntry;

/** The agent's-eye payload: the markdown an agent reads, with its size. */
export const Recall = z.object({
  briefId: z.string(),
  number: z.number().int(),
  text: z.string(),
  chars: z.number().int(),
  /** Approximate tokens (characters / 4, rounded up): what it costs an agent's context. */
  approxTokens: z.number().int(),
  entriesShown: z.number().int(),
  entriesTotal: z.number().int(),
  /** Spec versions that lost to a concurrent edit (Brief.specConflicts): the spec is contested while any is listed. */
  specConflicts: z.array(SpecVersion),
});
export type Recall = z.infer<typeof Recall>;
