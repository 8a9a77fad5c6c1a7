import { ok } from '../../shared/result';
import type { Handlers } from '../api/dispatch';
import type { BriefService } from '../briefs/brief-service';
import type { DispatchService } from './dispatch-service';

type DispatchMethods = 'dispatch.create' | 'dispatch.list' | 'dispatch.cancel' | 'briefs.packet';

export function dispatchHandlers(service: DispatchService, briefs: BriefService): Pick<Handlers, DispatchMethods> {
  return {
    'dispatch.create': async (params, ctx) => {
      const actor = briefs.actorOf(ctx.principal);
      if (!actor.ok) return actor;
      return service.create(params, actor.value, params.via ?? 'api');
    },
    'dispatch.list': ({ ref, state, limit }) => service.list({ ref, states: state, limit }),
    'dispatch.cancel': ({ id }) => {
      const cancelled = service.cancel(id);
      return cancelled.ok ? ok({ dispatch: cancelled.value }) : cancelled;
    },
    'briefs.packet': ({ ref, lane }) => service.packet(ref, lane),
  };
}
