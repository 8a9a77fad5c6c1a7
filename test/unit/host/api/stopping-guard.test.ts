import { describe, expect, it, vi } from 'vitest';
import { dispatch, type Handlers } from '../../../../src/host/api/dispatch';
import { refuseWhileStopping, STARTS_WORK } from '../../../../src/host/api/stopping-guard';
import { httpStatusOf } from '../../../../src/shared/errors';
import { ok } from '../../../../src/shared/result';

const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn(), debug: vi.fn() } as never;
const operator = { principal: { kind: 'operator' as const }, ws: null };

describe('a stopping host starts nothing new', () => {
  it('answers host_stopping (503) for what starts work, once stopping, and runs nothing; reads go on', async () => {
    const start = vi.fn(() => ok({ agent: {} }));
    const list = vi.fn(() => ok({ agents: [] }));
    const handlers = { 'agents.start': start, 'agents.list': list } as unknown as Handlers;
    let stopping = false;
    refuseWhileStopping(handlers, ['agents.start'], () => stopping);
    const params = { lanePath: '/tmp/x', preset: 'shell' };
    expect(await dispatch(handlers, 'agents.start', params, operator, logger)).toMatchObject({ ok: true });
    stopping = true;
    const refused = await dispatch(handlers, 'agents.start', params, operator, logger);
    expect(refused).toMatchObject({ ok: false, error: { code: 'host_stopping', details: { method: 'agents.start' } } });
    expect(refused.ok ? 0 : httpStatusOf(refused.error.code)).toBe(503);
    expect(start).toHaveBeenCalledTimes(1);
    expect(await dispatch(handlers, 'agents.list', {}, operator, logger)).toMatchObject({ ok: true });
  });

  it('covers every method that starts an agent, a lane operation, a merge, a sync round', () => {
    expect(STARTS_WORK).toEqual(expect.arrayContaining(['agents.start', 'agents.resume', 'lanes.create', 'lanes.merge', 'ops.start', 'dispatch.create', 'sync.now']));
  });
});
