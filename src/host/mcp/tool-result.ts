import type { CallToolResult } from '@modelcontextprotocol/server';
import type { Brief, BriefEntry, BriefSummary } from '../../shared/briefs';
import type { ApiError } from '../../shared/errors';
import { cutString, fitJson, MAX_RESULT_CHARS } from './bounded-result';

/**
 * How a tool answers: `structuredContent` for clients that read it, the same as JSON text for
 * those that do not, each bounded (bounded-result.ts). A refusal is a tool result with
 * `isError` carrying the host's error (code, message, details), never a protocol error, so
 * the agent reads why and how to fix it.
 */
export function success(value: Record<string, unknown>, more = ''): CallToolResult {
  const fitted = fitJson(value, MAX_RESULT_CHARS - 400, more);
  const structured: Record<string, unknown> = fitted.notes.length ? { ...fitted.value, truncated: fitted.notes } : fitted.value;
  return { content: [{ type: 'text', text: JSON.stringify(structured) }], structuredContent: structured };
}

/** A result whose text is prose (the recall's markdown) rather than the JSON again. */
export function successWithText(value: Record<string, unknown>, text: string, extra: string[] = []): CallToolResult {
  const structured = fitJson(value, MAX_RESULT_CHARS).value;
  const lines = [cutString(text, MAX_RESULT_CHARS - 1000), ...extra.map((e) => cutString(e, 400))];
  return { content: lines.map((t) => ({ type: 'text' as const, text: t })), structuredContent: structured };
}

export function failure(error: ApiError): CallToolResult {
  const bounded = fitJson({ error }, 4000).value;
  return { isError: true, content: [{ type: 'text', text: `${error.code}: ${cutString(error.message, 3000)}` }], structuredContent: bounded };
}

/** A brief as a line of a list: what an agent needs to pick one, without its spec or trace. */
export function briefLine(b: Brief | BriefSummary) {
  const active = b.participants.filter((p) => p.active).map((p) => p.name);
  // Lists a brief may grow without end are cut in the line itself, so a line stays a few KB.
  const firstOf = (items: string[], n: number) => (items.length > n ? [...items.slice(0, n), `… ${items.length - n} more`] : items);
  return {
    ref: `#${b.number}`,
    id: b.id,
    title: b.title,
    status: b.status,
    kind: b.kind,
    projects: [...b.projects].sort((x, y) => Number(y.primary) - Number(x.primary)).map((p) => p.name),
    parentId: b.parentId,
    dependsOn: firstOf(b.dependsOn, 20),
    participants: firstOf(active, 10),
    links: 'links' in b ? b.links.length : b.linkCount,
    version: b.version,
    updatedAt: b.updatedAt,
  };
}

/** An entry as a writer reads it back: what was written, by whom, through which channel. */
export function entryView(e: BriefEntry) {
  return { id: e.id, seq: e.seq, kind: e.kind, actor: e.actor, channel: e.channel, at: e.at, payload: e.payload };
}

/** What a write answers: the brief after it, and the entries it became (a join first, when the writer joins). */
export function writtenView(w: { brief: Brief; entries: BriefEntry[] }) {
  return { brief: briefLine(w.brief), entries: w.entries.map(entryView) };
}
