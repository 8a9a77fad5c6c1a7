import { afterAll, describe, expect, it } from 'vitest';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
import type { BriefEntry } from '../../src/shared/briefs';
import { uuidv7 } from '../../src/host/ids';
import { recreateSeedBrief } from '../fixtures/seed-brief';

afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

type Ok<T> = { ok: true; result: T };

describe('briefs over the API of a real host', () => {
  it('creates, appends and reads back a brief; the operator is named from GROVE_OPERATOR_NAME; the event carries the entries', async () => {
    const host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
    const created = await api(host, 'briefs.create', { title: 'Worktree-isolated active work', kind: 'note', projects: ['flower'], via: 'ui' });
    expect(created.status).toBe(200);
    const brief = (created.body as Ok<{ brief: { id: string; number: number } }>).result.brief;
    expect(brief.number).toBe(1);
    const noted = await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: 'get flower-design into its own worktree' }, via: 'cli' });
    expect(noted.status).toBe(200);
    const got = await api(host, 'briefs.get', { ref: '1' });
    const { trace, total } = (got.body as Ok<{ trace: { kind: string; actor: { name: string }; channel: string }[]; total: number }>).result;
    expect(total).toBe(3);
    expect(trace.map((e) => `${e.kind}:${e.actor.name}:${e.channel}`)).toEqual([
      'note:operator:mike:cli',
      'participant_joined:operator:mike:automatic',
      'created:operator:mike:ui',
    ]);
    const events = await api(host, 'events.since', { since: 0 });
    const changes = (events.body as Ok<{ events: { event: { type: string; entries?: unknown[] } }[] }>).result.events.filter((e) => e.event.type === 'brief.changed');
    expect(changes.map((c) => c.event.entries!.length)).toEqual([2, 1]);
    const recall = await api(host, 'briefs.recall', { ref: brief.id });
    expect((recall.body as Ok<{ text: string }>).result.text).toContain('# Brief #1: Worktree-isolated active work');
  });

  it('answers a bad reference, a bad action and a stale version with typed errors that say what to do', async () => {
    const host = await startHostProcess();
    await api(host, 'briefs.create', { title: 'x' });
    const unknown = await api(host, 'briefs.get', { ref: '#42' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({ code: 'brief_unknown' });
    expect(unknown.body.error!.message).toMatch(/No brief #42.*grove brief list/);
    const badKind = await api(host, 'briefs.append', { ref: '#1', action: { kind: 'status_change', to: 'shipped' } });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error!.message).toMatch(/params\.action/);
    const stale = await api(host, 'briefs.append', { ref: '#1', action: { kind: 'note', text: 'hi' }, expectedVersion: 99 });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'brief_version_conflict' });
  });
});

describe('the seed brief, recreated through the API', () => {
  it('has its 16 entries after created, by operator:mike, flower-orchestrator (its own token) and system, and recalls in ≤ 4,000 tokens', async () => {
    const host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
    const seed = await recreateSeedBrief(host);
    const got = await api(host, 'briefs.get', { ref: `#${seed.number}`, limit: 100 });
    const { brief, trace } = (got.body as Ok<{ brief: { status: string; links: unknown[]; participants: { name: string }[] }; trace: { kind: string; actor: { kind: string; name: string } }[] }>).result;
    expect(trace).toHaveLength(17);
    expect(new Set(trace.map((e) => `${e.actor.kind} · ${e.actor.name}`))).toEqual(
      new Set(['operator · operator:mike', 'agent · flower-orchestrator', 'system · operator:mike', 'system · flower-orchestrator']),
    );
    expect(brief.status).toBe('in_progress');
    expect(brief.links).toHaveLength(7);
    expect(brief.participants.map((p) => p.name)).toEqual(['operator:mike', 'flower-orchestrator']);
    const recall = (await api(host, 'briefs.recall', { ref: `#${seed.number}` })).body as Ok<{ approxTokens: number; text: string }>;
    expect(recall.result.approxTokens).toBeLessThanOrEqual(4000);
    expect(recall.result.text).toContain('Worktree-isolated active work');
  });
});

describe('the briefs clock across a restart, and what an import may carry', () => {
  it("stamps a new entry after every stamp stored, even one from a host whose clock ran ahead, once restarted", async () => {
    let host = await startHostProcess();
    const created = (await api(host, 'briefs.create', { via: 'api', title: 'made here' })).body.result as { brief: { id: string } };
    const exported = ((await api(host, 'briefs.export', {})).body.result as { entries: BriefEntry[] }).entries;
    const [first] = exported.filter((e) => e.briefId === created.brief.id);
    // The same brief as another host made it, its clock twelve hours ahead.
    const ahead = { ...first!, id: uuidv7(), briefId: uuidv7(), hlc: `${Date.now() + 12 * 3600_000}-0000-elsewhere` };
    expect((await api(host, 'briefs.import', { entries: [ahead] })).body.ok).toBe(true);
    await host.stop();
    host = await startHostProcess({ home: host.home });
    expect((await api(host, 'briefs.append', { ref: ahead.briefId, action: { kind: 'status_change', to: 'planned' } })).body.ok).toBe(true);
    const got = (await api(host, 'briefs.get', { ref: ahead.briefId })).body.result as { brief: { status: string }; trace: BriefEntry[] };
    const change = got.trace.find((e) => e.kind === 'status_change')!;
    expect(change.hlc > ahead.hlc).toBe(true);
    expect(got.brief.status).toBe('planned');
  });

  it('refuses an import whose ids or stamps are not ones Grove writes, naming the entry, and imports nothing', async () => {
    const host = await startHostProcess();
    const created = (await api(host, 'briefs.create', { via: 'api', title: 'to copy' })).body.result as { brief: { id: string } };
    const [first] = ((await api(host, 'briefs.export', {})).body.result as { entries: BriefEntry[] }).entries.filter((e) => e.briefId === created.brief.id);
    for (const [bad, said] of [
      [{ ...first!, id: 'x'.repeat(100), briefId: uuidv7() }, /its id "x+" is not an id Grove writes/],
      [{ ...first!, id: uuidv7(), briefId: uuidv7(), hlc: 'zzz' }, /its hlc "zzz" is not a stamp Grove writes/],
      [{ ...first!, id: uuidv7(), briefId: uuidv7(), hlc: '9999999999999-0000-future' }, /its hlc is \d+ days ahead of this machine's clock/],
    ] as const) {
      const r = await api(host, 'briefs.import', { entries: [bad] });
      expect(r.body.error).toMatchObject({ code: 'brief_import_invalid', message: expect.stringMatching(said) });
    }
    expect(((await api(host, 'briefs.list', {})).body.result as { briefs: unknown[] }).briefs).toHaveLength(1);
  });
});
