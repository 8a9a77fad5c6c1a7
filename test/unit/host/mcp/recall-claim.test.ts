import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentInfo } from '../../../../src/shared/agents';
import type { Dispatch } from '../../../../src/shared/dispatch';
import { ClaimBook } from '../../../../src/host/dispatch/claims';
import { SharedLeases, type SharedClaimPort } from '../../../../src/host/dispatch/shared-leases';
import { registerTools } from '../../../../src/host/mcp/mcp-tools';
import type { AcquireOutcome } from '../../../../src/host/sync/shared-claims';
import { closeRigs, MIKE, trackedRig } from '../../../fixtures/brief-service';
import { callTool, textOf } from '../../../fixtures/mcp-client';

/**
 * A dispatched agent's recall_brief over MCP, through the SDK's real client and server, with
 * the claims on a real SQLite store and the shared store's answers scripted: its first recall
 * claims the brief; the recalls after it read the brief and leave the claim as it is.
 */
afterEach(closeRigs);
const logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {}, addSecret: () => {} };

async function dispatchedAgentRig(answers: AcquireOutcome[]) {
  const rig = trackedRig({ agents: { a1: 'claude-brief-1' } });
  const created = rig.service.create({ title: 'Recall me', kind: 'feature', spec: 'Do it.', projects: [] }, MIKE, 'ui');
  if (!created.ok) throw new Error(created.error.message);
  const briefId = created.value.brief.id;
  const dispatch: Dispatch = {
    id: 'd1', briefId, briefNumber: 1, briefTitle: 'Recall me', repoId: 'r1', targetLaneId: 'l1', laneId: 'l1', laneName: 'work',
    agentId: 'a1', agentName: 'claude-brief-1', preset: 'claude', command: null, args: [], role: 'worker', phase: 'build',
    designFirst: false, auto: false, wave: 1, state: 'running', reason: null, requestedBy: MIKE,
    createdAt: '2026-12-03T09:59:00.000Z', startedAt: '2026-12-03T09:59:01.000Z', endedAt: null,
  };
  rig.dispatches.save(dispatch);
  const agent = { id: 'a1', name: 'claude-brief-1', role: 'worker', dispatchId: 'd1', lanePath: rig.dir } as AgentInfo;
  let asked = 0;
  const port: SharedClaimPort = {
    isEnabled: () => true,
    leaseMs: 120_000,
    acquire: async () => (asked++, answers.shift()!),
    renew: async () => ({ kind: 'renewed' }),
    release: async () => ({ kind: 'released' }),
  };
  const shared = new SharedLeases({ shared: port, origin: 'aaaaaaaaaaaa', store: rig.dispatches, timeoutMs: 10_000, lost: () => {}, logger, now: () => Date.now() });
  const claims = new ClaimBook({
    store: rig.dispatches,
    briefs: rig.service,
    briefStore: rig.store,
    agent: (id) => (id === agent.id ? agent : null),
    isLive: (id) => id === agent.id,
    waveOf: (dispatchId) => (dispatchId === 'd1' ? 1 : null),
    dispatchedBrief: (a) => {
      const d = a.dispatchId ? rig.dispatches.get(a.dispatchId) : null;
      return d ? { briefId: d.briefId, state: d.state } : null;
    },
    openDispatch: () => null,
    shared,
    now: () => new Date(),
  });
  const server = new McpServer({ name: 'grove', version: 'test' });
  registerTools(server, { kind: 'agent', principal: { kind: 'agent', agentId: agent.id }, agent }, {
    briefs: rig.service,
    store: rig.store,
    blobs: rig.blobs,
    dispatch: {
      briefOfAgent: (id) => (id === agent.id ? briefId : null),
      claim: (ref, agentId) => claims.claim(ref, agentId),
      dispatch: () => Promise.reject(new Error('not in this test')),
    },
    merges: { requestMerge: () => Promise.reject(new Error('not in this test')) },
    agents: { agent: (id) => (id === agent.id ? agent : null) },
    laneFiles: () => new Map(),
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'grove-test', version: '1.0.0' });
  await client.connect(clientSide);
  return { rig, briefId, claims, client, asked: () => asked, close: () => client.close() };
}

describe('recall_brief by the dispatched agent', () => {
  it('claims on the first recall; later ones, with the shared store no longer answering, read the brief without asking it and refuse nothing', async () => {
    const r = await dispatchedAgentRig([
      { kind: 'won', since: '2026-12-03T10:00:00.000Z' },
      { kind: 'unreachable', message: 'mysql://grove@db/grove did not answer within 10 s' },
      { kind: 'unreachable', message: 'mysql://grove@db/grove did not answer within 10 s' },
    ]);
    const first = await callTool(r.client, 'recall_brief');
    expect(first.isError).toBeFalsy();
    expect(textOf(first)).toContain('You have claimed #1: it is yours until you exit.');
    expect(first.structuredContent).toMatchObject({ status: 'in_progress', claim: { agentId: 'a1', dispatchId: 'd1' } });

    for (let i = 0; i < 2; i++) {
      const again = await callTool(r.client, 'recall_brief');
      expect(again.isError).toBeFalsy();
      expect(textOf(again)).not.toMatch(/Your claim of #1|You have claimed/);
      expect(again.structuredContent).toMatchObject({ status: 'in_progress', claim: { agentId: 'a1', dispatchId: 'd1' } });
    }
    expect(r.asked()).toBe(1);
    expect(r.claims.holder(r.briefId)?.agentId).toBe('a1');
    expect(r.rig.store.trace(r.briefId).filter((e) => e.kind === 'claimed')).toHaveLength(1);
    await r.close();
  });

  it('an entry since_entry does not know is refused saying what since_entry takes and how to go on', async () => {
    const r = await dispatchedAgentRig([{ kind: 'won', since: '2026-12-03T10:00:00.000Z' }]);
    const answer = await callTool(r.client, 'recall_brief', { since_entry: 'no-such-entry' });
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toContain(
      `#1 has no entry no-such-entry: since_entry takes the id of one of #1's entries, as a recall lists them ("entry ID"). Leave since_entry out to read the latest entries.`,
    );
    await r.close();
  });
});
