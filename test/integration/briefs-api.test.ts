import { afterAll, describe, expect, it } from 'vitest';
import { api, startHostProcess, stopAllHosts } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
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
