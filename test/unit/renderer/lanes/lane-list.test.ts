import { describe, expect, it } from 'vitest';
import type { Lane } from '../../../../src/shared/lanes';
import { applyLaneEvent, LaneEventsDuringLists } from '../../../../src/renderer/lanes/lane-list';

const lane = (id: string, setup: Lane['setup'] = 'none', extra: Partial<Lane> = {}): Lane => ({
  id,
  repoId: 'r',
  name: id,
  path: `/src/flower-${id}`,
  branch: id,
  kind: 'standing',
  createdAt: '',
  status: 'ok',
  adoptable: false,
  port: null,
  keyless: false,
  setup,
  served: null,
  network: null,
  ...extra,
});

describe('applyLaneEvent', () => {
  it('adds a created lane in place of its adoptable row, updates only known lanes, removes', () => {
    const adoptable = lane('adopt:/src/flower-x', 'none', { path: '/src/flower-x', adoptable: true });
    const created = applyLaneEvent([adoptable], { type: 'lane.created', lane: lane('x', 'none', { path: '/src/flower-x' }) });
    expect(created.map((l) => l.id)).toEqual(['x']);
    const unknown = applyLaneEvent(created, { type: 'lane.updated', lane: lane('gone', 'done') });
    expect(unknown).toBe(created);
    expect(applyLaneEvent(created, { type: 'lane.removed', id: 'x', archiveRef: null })).toEqual([]);
  });
});

describe('LaneEventsDuringLists', () => {
  it('lays over each answer exactly the events heard since its own request, with requests overlapping', () => {
    const during = new LaneEventsDuringLists();
    during.hear({ type: 'lane.updated', lane: lane('a', 'running') }); // no request out: not kept
    const first = during.mark();
    during.hear({ type: 'lane.updated', lane: lane('a', 'done') });
    const second = during.mark();
    during.hear({ type: 'lane.updated', lane: lane('b', 'failed') });
    expect(during.layOver(second, [lane('a', 'running'), lane('b', 'running')]).map((l) => l.setup)).toEqual(['running', 'failed']);
    expect(during.layOver(first, [lane('a', 'running'), lane('b', 'running')]).map((l) => l.setup)).toEqual(['done', 'failed']);
    // Nothing is out: nothing is kept, so a later answer stands as it is.
    const third = during.mark();
    expect(during.layOver(third, [lane('a', 'running')]).map((l) => l.setup)).toEqual(['running']);
  });

  it('forgets a request whose answer will not come', () => {
    const during = new LaneEventsDuringLists();
    const lost = during.mark();
    during.hear({ type: 'lane.removed', id: 'a', archiveRef: null });
    during.forget(lost);
    const next = during.mark();
    expect(during.layOver(next, [lane('a')]).map((l) => l.id)).toEqual(['a']);
  });
});
