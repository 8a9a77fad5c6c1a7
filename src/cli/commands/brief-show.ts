import { callHost, type CallFailure } from '../../host-client/call-host';
import { MAX_TRACE_PAGE } from '../../shared/brief-constants';
import type { Brief, BriefEntry } from '../../shared/briefs';
import { err, ok, type Result } from '../../shared/result';
import type { Target } from '../lane-target';
import { actorName, ago, columns, count, entryBody, entryHead, indented, numberText, projectsText, PROVISIONAL_NOTE, statusWord } from './brief-format';

/**
 * `grove brief show REF`: the brief as it is now, then its whole trace oldest first. The
 * trace is read page by page (briefs.get `before`), newest page first, so a brief of any
 * length is shown whole.
 */
export async function readWholeBrief(target: Target, ref: string): Promise<Result<{ brief: Brief; trace: BriefEntry[] }, CallFailure>> {
  const pages: BriefEntry[][] = [];
  let before: number | undefined;
  let brief: Brief | undefined;
  for (;;) {
    const r = await callHost(target, 'briefs.get', { ref: brief?.id ?? ref, limit: MAX_TRACE_PAGE, ...(before !== undefined ? { before } : {}) }, 30_000);
    if (!r.ok) return r;
    brief ??= r.value.brief;
    pages.push(r.value.trace);
    const oldest = r.value.trace.at(-1);
    if (!r.value.hasOlder || !oldest) break;
    before = oldest.seq;
  }
  if (!brief) return err({ code: 'unreachable', message: 'the host answered briefs.get without a brief' });
  return ok({ brief, trace: pages.flat().reverse() });
}

export type Related = Map<string, { number: number; title: string; status: string }>;

/** The briefs this one names (its parent, what it depends on, its brief links, ids in its trace), read from the host; one it cannot read stays an id. */
export async function relatedBriefs(target: Target, ids: readonly string[]): Promise<Related> {
  const found: Related = new Map();
  await Promise.all(
    [...new Set(ids)].map(async (id) => {
      const r = await callHost(target, 'briefs.get', { ref: id, limit: 1 });
      if (r.ok) found.set(id, { number: r.value.brief.number, title: r.value.brief.title, status: r.value.brief.status });
    }),
  );
  return found;
}

export function briefIdsNamed(brief: Brief, trace: readonly BriefEntry[] = []): string[] {
  const inTrace = trace.flatMap((e) => {
    if (!e.payload) return [];
    if (e.kind === 'dependency_added' || e.kind === 'dependency_removed') return [e.payload.briefId];
    if (e.kind === 'parent_set') return e.payload.parentId ? [e.payload.parentId] : [];
    if (e.kind === 'link_added' && e.payload.type === 'brief') return [e.payload.target];
    return [];
  });
  return [...(brief.parentId ? [brief.parentId] : []), ...brief.dependsOn, ...brief.links.filter((l) => l.type === 'brief').map((l) => l.target), ...inTrace];
}

/** "#3 Flower epic (draft)", or the id when the brief could not be read. */
export function relatedName(related: Related, id: string): string {
  const b = related.get(id);
  return b ? `#${b.number} ${b.title} (${statusWord(b.status)})` : id;
}

/** An entry's text with the brief ids it names read as "#N". */
function withNumbers(text: string, related: Related): string {
  let out = text;
  for (const [id, b] of related) out = out.split(id).join(`#${b.number}`);
  return out;
}

export function showText(brief: Brief, trace: readonly BriefEntry[], related: Related, now = Date.now()): string {
  const name = (id: string) => relatedName(related, id);
  const out: string[] = [];
  out.push(`${numberText(brief)}  ${brief.title}`);
  if (brief.numberProvisional) out.push(`    ${PROVISIONAL_NOTE}`);
  out.push(`    ${statusWord(brief.status)} · ${brief.kind} · ${projectsText(brief)}`);
  out.push(`    created ${ago(brief.createdAt, now)} by ${actorName(brief.createdBy)} · last activity ${ago(brief.updatedAt, now)} · ${count(brief.version, 'entry', 'entries')}`);
  out.push(`    id ${brief.id}`);
  out.push('', 'Spec', brief.spec.trim() ? indented(brief.spec.replace(/\s+$/, ''), '  ') : '  (empty: grove brief spec REF to write it)');
  for (const c of brief.specConflicts ?? []) {
    out.push(`  ! Edited at the same time as ${actorName(c.actor)}'s edit ${ago(c.at, now)}: their version is kept as entry ${c.entryId} (in the trace below).`);
  }
  if (brief.specConflicts?.length) out.push(`    The spec above is the later edit. Settle it with grove brief spec #${brief.number} (the same text keeps it; another writes that).`);

  const relations: string[][] = [];
  if (brief.parentId) relations.push(['epic parent', name(brief.parentId)]);
  for (const id of brief.dependsOn) relations.push(['depends on', name(id)]);
  out.push('', 'Relationships', ...(relations.length ? columns(relations) : ['  none']));

  out.push('', 'Participants');
  out.push(
    ...(brief.participants.length
      ? columns(brief.participants.map((p) => [p.name, p.kind, p.role, p.wave !== null ? `wave ${p.wave}` : '', p.active ? `joined ${ago(p.joinedAt, now)}` : 'left']))
      : ['  none']),
  );

  out.push('', 'Links');
  out.push(...(brief.links.length ? columns(brief.links.map((l) => [l.type.replace('_', ' '), l.type === 'brief' ? name(l.target) : l.target, l.label ?? '', l.id])) : ['  none']));

  out.push('', 'Attachments');
  out.push(
    ...(brief.attachments.length
      ? columns(brief.attachments.map((a) => [a.name, a.type, `${Math.ceil(a.size / 1024)} KiB`, `by ${actorName(a.addedBy)} ${ago(a.at, now)}`, `sha256 ${a.sha256}`]))
      : ['  none']),
  );

  out.push('', `Trace (${count(trace.length, 'entry', 'entries')}, oldest first)`);
  const heads = columns(trace.map((e) => entryHead(e, now)));
  trace.forEach((e, i) => {
    out.push(heads[i]!);
    const body = entryBody(e, now);
    if (body) out.push(indented(withNumbers(body, related), '      '));
  });
  return out.join('\n');
}
