import type { Brief, BriefEntry } from '../../shared/briefs';
import { latestReadableSpec, specAfter, versionOf } from './spec-versions';

/**
 * A brief's current state from its entries. `applyEntry` folds one entry onto the state so
 * far; `project` folds a whole trace. The store keeps the folded state as a cache and a test
 * rebuilds every brief from its entries alone and compares, so this is the one place that
 * says what an entry means.
 *
 * A redacted entry has lost its content: it changes nothing the content carried (a redacted
 * refinement no longer sets the spec, which falls back to the latest one still readable).
 *
 * Numbers (docs/sync.md): a brief's number is provisional until a `numbered` entry from the
 * shared store gives it one. A `renumbered` entry (this host's, moving a brief off a number
 * taken here) applies only to the number it moved from, and `project` drops one written here
 * before the shared number arrived (an earlier local seq): the shared number outranks it,
 * whichever of the two has the later stamp (the pusher's clock may be behind this host's, so
 * its `numbered` entry can sort before a renumbering this host wrote when the brief's
 * `created` arrived in an earlier pull batch). `numbers` says where numbers come from now:
 * `shared` while sync is on (a brief is provisional until its `numbered` entry), not while it is
 * off (nothing is provisional); and `store`, the shared store this host counts numbers from (the
 * one it is pointed at, learned when it connects; null until then).
 *
 * Only that store's `numbered` entries are its word (one without `store` predates store
 * identities and counts for any). Another store's (sync was pointed elsewhere before) still
 * sets the number (the one that arrived last), so switching stores moves no number here, but
 * leaves the brief provisional; and once the current store's entry is in, it alone decides,
 * whatever the stamps say, so every host pointed at one store folds the same number whatever
 * other stores it saw.
 */
export interface NumberSource {
  shared: boolean;
  store: string | null;
}

export const LOCAL_NUMBERS: NumberSource = { shared: false, store: null };

/** Whether a `numbered` entry is the word of the store numbers come from. */
export function isCurrentNumbering(entry: BriefEntry, numbers: NumberSource): boolean {
  if (entry.kind !== 'numbered' || !entry.payload) return false;
  return entry.payload.store === undefined || entry.payload.store === numbers.store;
}

export function applyEntry(state: Brief | null, entry: BriefEntry, numbers: NumberSource = LOCAL_NUMBERS): Brief {
  if (entry.kind === 'created') {
    if (state) throw new ProjectionError(`entry ${entry.id} creates brief ${entry.briefId}, which already exists`);
    const p = entry.payload;
    if (!p) throw new ProjectionError(`entry ${entry.id} creates brief ${entry.briefId} but has no content`);
    return {
      id: entry.briefId,
      number: p.number,
      numberProvisional: numbers.shared,
      title: p.title,
      kind: p.kind,
      status: p.status,
      spec: p.spec,
      projects: p.projects,
      parentId: null,
      dependsOn: [],
      participants: [],
      links: [],
      attachments: [],
      createdAt: entry.at,
      createdBy: entry.actor,
      updatedAt: entry.at,
      version: 1,
      specSource: versionOf(entry),
      specConflicts: [],
    };
  }
  if (!state) throw new ProjectionError(`entry ${entry.id} (${entry.kind}) comes before brief ${entry.briefId} was created`);
  const next: Brief = { ...state, version: state.version + 1, updatedAt: entry.at > state.updatedAt ? entry.at : state.updatedAt };
  switch (entry.kind) {
    case 'refinement':
    case 'plan_accepted':
      return { ...next, ...specAfter(state, entry) };
    case 'status_change':
      if (entry.payload) next.status = entry.payload.to;
      return next;
    case 'details_changed':
      if (entry.payload?.title !== undefined) next.title = entry.payload.title;
      if (entry.payload?.kind !== undefined) next.kind = entry.payload.kind;
      return next;
    case 'projects_set':
      if (entry.payload) next.projects = entry.payload.projects;
      return next;
    case 'link_added': {
      const p = entry.payload;
      if (p) next.links = [...state.links, { id: p.linkId, type: p.type, target: p.target, label: p.label, addedBy: entry.actor, at: entry.at }];
      return next;
    }
    case 'link_removed': {
      const p = entry.payload;
      if (p) next.links = state.links.filter((l) => l.id !== p.linkId);
      return next;
    }
    case 'participant_joined': {
      const p = entry.payload;
      if (!p) return next;
      const present = state.participants.find((x) => x.name === p.name);
      const joined = { name: p.name, kind: p.kind, role: p.role, active: true, wave: p.wave, joinedAt: present?.joinedAt ?? entry.at };
      next.participants = present ? state.participants.map((x) => (x.name === p.name ? joined : x)) : [...state.participants, joined];
      return next;
    }
    case 'participant_left': {
      const p = entry.payload;
      if (p) next.participants = state.participants.map((x) => (x.name === p.name ? { ...x, active: false } : x));
      return next;
    }
    case 'dependency_added': {
      const p = entry.payload;
      if (p && !state.dependsOn.includes(p.briefId)) next.dependsOn = [...state.dependsOn, p.briefId];
      return next;
    }
    case 'dependency_removed': {
      const p = entry.payload;
      if (p) next.dependsOn = state.dependsOn.filter((d) => d !== p.briefId);
      return next;
    }
    case 'parent_set':
      if (entry.payload) next.parentId = entry.payload.parentId;
      return next;
    case 'attachment_added': {
      const p = entry.payload;
      if (p) {
        next.attachments = [
          ...state.attachments,
          { id: p.attachmentId, entryId: entry.id, sha256: p.sha256, name: p.name, type: p.type, size: p.size, addedBy: entry.actor, at: entry.at },
        ];
      }
      return next;
    }
    case 'renumbered':
      if (entry.payload && entry.payload.from === state.number) next.number = entry.payload.to;
      return next;
    case 'numbered':
      if (entry.payload) {
        next.number = entry.payload.number;
        if (isCurrentNumbering(entry, numbers)) next.numberProvisional = false;
      }
      return next;
    case 'note':
    case 'comment':
    case 'spec_snapshot':
    case 'plan_proposed':
    case 'redaction':
    case 'dispatch_requested':
    case 'claimed':
    case 'claim_released':
      return next;
  }
}

/**
 * A whole brief from its trace, folded in HLC order (then id), whatever order the entries
 * arrived in: every replica of a synced brief folds the same entries the same way, so a
 * status or a spec two hosts changed concurrently resolves to the same one everywhere (the
 * later by HLC). A local write's stamp is past everything this host has seen, so folding it
 * onto the saved state (applyEntry) agrees with this.
 */
export function project(trace: readonly BriefEntry[], numbers: NumberSource = LOCAL_NUMBERS): Brief {
  const entries = [...trace].sort(byHlc);
  // The store's own entry (naming it) before one from before stores had identities.
  const current = entries.filter((e) => isCurrentNumbering(e, numbers));
  const word = current.filter((e) => e.kind === 'numbered' && e.payload?.store !== undefined).pop() ?? current.pop();
  // Without it, the number another store gave that arrived last: the one this host showed
  // while it counted that store's numbers, so switching stores moves no number.
  const numbering = word ?? entries.filter((e) => e.kind === 'numbered').reduce<BriefEntry | undefined>((last, e) => (last && last.seq > e.seq ? last : e), undefined);
  const numberedAt = numbering?.seq ?? 0;
  let state: Brief | null = null;
  // A redacted spec-setting entry, by the readable one that stands for it (see below).
  const standsFor = new Map<string, string>();
  for (const entry of entries) {
    // A renumbering the shared number superseded still counts as an entry; it moves nothing.
    // Nor does any other `numbered` entry: one decides.
    const superseded = (entry.kind === 'renumbered' && entry.seq < numberedAt) || (entry.kind === 'numbered' && entry !== numbering);
    let applied = superseded ? { ...entry, payload: null } : entry;
    // An edit of a spec since redacted was made knowing the spec: its base is the version that
    // now stands for the redacted one, not a concurrent edit that lost.
    const base = applied.kind === 'refinement' ? applied.payload?.base : undefined;
    const source = state?.specSource?.entryId;
    if (applied.kind === 'refinement' && applied.payload && base !== undefined && source !== undefined && standsFor.get(base) === source) {
      applied = { ...applied, payload: { ...applied.payload, base: source } };
    }
    state = applyEntry(state, applied, numbers);
    // A redacted refinement no longer speaks: the spec is the latest one still readable.
    if ((entry.kind === 'refinement' || entry.kind === 'plan_accepted') && !entry.payload) {
      state = { ...state, ...latestReadableSpec(entries, entry) };
      if (state.specSource) standsFor.set(entry.id, state.specSource.entryId);
    }
  }
  if (!state) throw new ProjectionError('a brief needs at least its created entry');
  return state;
}

export function byHlc(a: BriefEntry, b: BriefEntry): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export class ProjectionError extends Error {}
