import { describe, expect, it } from 'vitest';
import type { Alert } from '../../../../src/shared/alerts';
import { acknowledgeAlerts, addAlert, unacknowledgedCount } from '../../../../src/renderer/main-view/alert-list';

const alert = (seq: number, over: Partial<Alert> = {}): Alert => ({
  seq,
  at: `2026-03-02T10:00:${String(seq).padStart(2, '0')}.000Z`,
  message: `alert ${seq}`,
  agentId: null,
  repoId: 'r1',
  acknowledgedAt: null,
  ...over,
});

describe('alert list (UI store)', () => {
  it('adds alerts newest first, once each, keeping the newest few', () => {
    let list = addAlert([], alert(3), 2);
    list = addAlert(list, alert(5), 2);
    expect(list.map((a) => a.seq)).toEqual([5, 3]);
    expect(addAlert(list, alert(5), 2)).toBe(list);
    expect(addAlert(list, alert(7), 2).map((a) => a.seq)).toEqual([7, 5]);
    // A replayed older alert lands in order, not on top.
    expect(addAlert([alert(9)], alert(4), 5).map((a) => a.seq)).toEqual([9, 4]);
  });

  it('acknowledges the listed alerts only, and keeps the first acknowledgement time', () => {
    const list = [alert(3), alert(2, { acknowledgedAt: '2026-03-02T09:00:00.000Z' }), alert(1)];
    const acked = acknowledgeAlerts(list, [3, 2], '2026-03-02T11:00:00.000Z');
    expect(acked.map((a) => a.acknowledgedAt)).toEqual(['2026-03-02T11:00:00.000Z', '2026-03-02T09:00:00.000Z', null]);
    expect(unacknowledgedCount(acked)).toBe(1);
    // Applied again (a load re-applies the events it heard): nothing changes, same list.
    expect(acknowledgeAlerts(acked, [3, 2], '2026-03-02T12:00:00.000Z')).toBe(acked);
    expect(acknowledgeAlerts(acked, [42], '2026-03-02T12:00:00.000Z')).toBe(acked);
  });
});
