import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../../src/host/db/database';
import { createAlertList } from '../../../../src/host/events/alert-list';
import { createEventLog } from '../../../../src/host/events/event-log';
import { AcknowledgeAlertsParams } from '../../../../src/shared/alerts';
import { makeTempDir, removeTempDirs } from '../../../fixtures/temp-dir';

afterEach(() => removeTempDirs());

function logWithAlerts(...messages: string[]) {
  const { db } = openDatabase(join(makeTempDir(), 'g.db'));
  let t = Date.parse('2026-03-01T10:00:00Z');
  const events = createEventLog(db, undefined, () => new Date((t += 1000)));
  const seqs = messages.map((message) => {
    events.append({ type: 'repo.removed', id: 'noise' });
    return events.append({ type: 'alert', agentId: null, repoId: 'r1', message }).seq;
  });
  return { db, events, alerts: createAlertList(db), seqs };
}

describe('alert list', () => {
  it('lists alerts newest first, none acknowledged until the operator acknowledges them', () => {
    const { alerts, seqs, db } = logWithAlerts('a', 'b');
    expect(alerts.latest(10).map((a) => [a.seq, a.message, a.acknowledgedAt])).toEqual([
      [seqs[1], 'b', null],
      [seqs[0], 'a', null],
    ]);
    expect(alerts.unacknowledged(null)).toEqual(seqs);
    db.close();
  });

  it('marks acknowledged alerts with the time of their acknowledgement, the first one standing', () => {
    const { alerts, events, seqs, db } = logWithAlerts('a', 'b', 'c');
    const first = events.append({ type: 'alerts.acknowledged', seqs: [seqs[0]!] });
    events.append({ type: 'alerts.acknowledged', seqs: [seqs[0]!, seqs[2]!] });
    const listed = alerts.latest(10);
    expect(listed.find((a) => a.seq === seqs[0])?.acknowledgedAt).toBe(first.at);
    expect(listed.find((a) => a.seq === seqs[1])?.acknowledgedAt).toBeNull();
    expect(listed.find((a) => a.seq === seqs[2])?.acknowledgedAt).not.toBeNull();
    expect(alerts.unacknowledged(null)).toEqual([seqs[1]]);
    db.close();
  });

  it('finds, of the seqs asked about, only alerts still waiting: not other events, not unknown seqs', () => {
    const { alerts, events, seqs, db } = logWithAlerts('a', 'b');
    events.append({ type: 'alerts.acknowledged', seqs: [seqs[0]!] });
    const notAnAlert = seqs[0]! - 1;
    expect(alerts.unacknowledged([seqs[0]!, seqs[1]!, notAnAlert, 9999])).toEqual([seqs[1]]);
    db.close();
  });

  it('takes either seqs or all, never both or neither', () => {
    expect(AcknowledgeAlertsParams.safeParse({ seqs: [3] }).success).toBe(true);
    expect(AcknowledgeAlertsParams.safeParse({ all: true }).success).toBe(true);
    expect(AcknowledgeAlertsParams.safeParse({}).success).toBe(false);
    expect(AcknowledgeAlertsParams.safeParse({ seqs: [3], all: true }).success).toBe(false);
    expect(AcknowledgeAlertsParams.safeParse({ seqs: [] }).success).toBe(false);
  });
});
