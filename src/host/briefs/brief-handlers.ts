import { apiError } from '../../shared/errors';
import { err, ok } from '../../shared/result';
import type { Brief, Channel } from '../../shared/briefs';
import type { CallContext, Handlers, Principal } from '../api/dispatch';
import { CursorError, type BriefStore } from './brief-store';
import { unknownBrief, type BriefService } from './brief-service';
import { recallBrief } from './recall-brief';

type BriefMethods = 'briefs.list' | 'briefs.get' | 'briefs.create' | 'briefs.append' | 'briefs.redact' | 'briefs.recall' | 'briefs.export' | 'briefs.import';

/**
 * The channel an entry came through: what the caller says (ui, cli, api), `api` when it says
 * nothing. An agent's own token writes through the CLI (`grove brief …` inside the agent) or
 * the API, never the app: the trace must not show an agent's entry as typed in the UI.
 */
function channelOf(via: Channel | undefined, principal: Principal): Channel {
  return principal.kind === 'agent' && via === 'ui' ? 'api' : (via ?? 'api');
}

/**
 * `beforeRecall`: the dispatched agent's first recall of its own brief claims it (docs/mcp.md),
 * whether it reads it over MCP or with `grove brief recall`.
 */
export interface RecallHooks {
  beforeRecall?: (briefId: string, principal: Principal, channel: Channel) => void | Promise<void>;
  /** The attachments the caller has as files (an agent in a lane a dispatch copied them into). */
  attachmentFiles?: (brief: Brief, principal: Principal) => ReadonlyMap<string, string>;
}

export function briefHandlers(service: BriefService, store: BriefStore, hooks: RecallHooks = {}): Pick<Handlers, BriefMethods> {
  const actor = (ctx: CallContext) => service.actorOf(ctx.principal);
  return {
    'briefs.list': (params) => {
      try {
        return ok(store.list({ ...params, limit: params.limit ?? 50 }));
      } catch (e) {
        if (e instanceof CursorError) return err(apiError('cursor_invalid', e.message));
        throw e;
      }
    },
    'briefs.get': ({ ref, before, limit }) => {
      const brief = store.resolve(ref);
      if (!brief) return err(unknownBrief(ref));
      const trace = store.page(brief.id, limit ?? 50, before);
      const oldest = trace[trace.length - 1];
      // A brief's version is its number of entries: no count over a long trace.
      return ok({ brief, trace, total: brief.version, hasOlder: oldest ? store.hasBefore(brief.id, oldest.seq) : false });
    },
    'briefs.create': (params, ctx) => {
      const who = actor(ctx);
      return who.ok ? service.create(params, who.value, channelOf(params.via, ctx.principal)) : who;
    },
    'briefs.append': ({ ref, action, expectedVersion, via }, ctx) => {
      const who = actor(ctx);
      return who.ok ? service.appendTogether(ref, action, who.value, channelOf(via, ctx.principal), expectedVersion) : who;
    },
    'briefs.redact': ({ ref, entryId, reason, via }, ctx) => {
      const who = actor(ctx);
      return who.ok ? service.redact(ref, entryId, reason, who.value, channelOf(via, ctx.principal)) : who;
    },
    'briefs.recall': async ({ ref, sinceEntry, via }, ctx) => {
      const found = store.resolve(ref);
      if (!found) return err(unknownBrief(ref));
      await hooks.beforeRecall?.(found.id, ctx.principal, channelOf(via, ctx.principal));
      const brief = store.resolve(found.id) ?? found;
      const recall = recallBrief(store, brief, { sinceEntry, attachmentFiles: hooks.attachmentFiles?.(brief, ctx.principal) });
      if ('kind' in recall) return err(apiError('brief_entry_unknown', `#${brief.number} has no entry ${recall.entryId}.`, { entryId: recall.entryId }));
      return ok(recall);
    },
    'briefs.export': ({ afterSeq, limit }) => {
      const page = limit ?? 500;
      const entries = store.since(afterSeq ?? 0, page);
      const last = entries[entries.length - 1];
      return ok({ entries, nextAfterSeq: entries.length === page && last ? last.seq : null });
    },
    'briefs.import': ({ entries }) => service.importEntries(entries),
  };
}
