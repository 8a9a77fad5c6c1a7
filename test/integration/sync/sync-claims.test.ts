import { tmpdir } from 'node:os';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BriefEntry } from '../../../src/shared/briefs';
import type { Dispatch } from '../../../src/shared/dispatch';
import { makeRepo } from '../../fixtures/git-repo';
import { addTrustedRepo, repoRoot, stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { call, startSyncedHost, syncAll, syncSet } from '../../fixtures/sync-hosts';
import { callTool, mcpClient, startTokenAgent } from '../../fixtures/mcp-client';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';
import { until } from '../../fixtures/wait-until';
import { letAgentsWrite } from '../../fixtures/agent-writable';

/**
 * Claims across hosts (docs/sync.md, "Claims"): two operators dispatching the same brief at
 * the same moment get one agent between them, and the other dispatch says who has it; with
 * the shared store out of reach a dispatch waits, saying why, and starts when it is back; a
 * holder that cannot renew stops its agent before the store could give the brief away; an
 * agent's claim_brief while the store cannot be reached is refused, saying so.
 */
const WORKER = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');

afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

/** A synced host with a trusted repository named like the briefs' project. */
async function teamHost(db: MariaDb, env: Record<string, string> = {}): Promise<HostProcess> {
  const host = await startSyncedHost(db, { env });
  const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
  // The workers report into temp dirs of the test's; agents run confined.
  await letAgentsWrite(main, realpathSync(tmpdir()));
  await addTrustedRepo(host, main);
  await syncSet(host, db);
  return host;
}

const briefIdOf = new Map<string, string>();
async function dispatchWorker(host: HostProcess, briefId: string, out: string): Promise<{ dispatch: Dispatch }> {
  const made = await call<{ dispatch: Dispatch }>(host, 'dispatch.create', { ref: briefId, preset: 'custom', command: process.execPath, args: [WORKER, '--out', out, '--steps', 'mcp-claim'] });
  briefIdOf.set(made.dispatch.id, briefId);
  return made;
}
const dispatchOn = async (host: HostProcess, id: string): Promise<Dispatch> =>
  (await call<{ dispatches: Dispatch[] }>(host, 'dispatch.list', { ref: briefIdOf.get(id) })).dispatches.find((d) => d.id === id)!;
const traceOf = async (host: HostProcess, ref: string): Promise<BriefEntry[]> => (await call<{ trace: BriefEntry[] }>(host, 'briefs.get', { ref, limit: 500 })).trace;
const startedAgents = (out: string) => readdirSync(out).filter((f) => f.endsWith('.json'));

async function teamBrief(hosts: HostProcess[], title: string): Promise<string> {
  const { brief } = await call<{ brief: { id: string } }>(hosts[0]!, 'briefs.create', { title, projects: ['flower'], spec: `Do ${title}.` });
  await syncAll(hosts);
  return brief.id;
}

describe.skipIf(!hasMariaDb())('sync: claims decided by the shared store', () => {
  it('two hosts dispatch the same brief at the same moment: one agent starts and claims it; the other dispatch fails naming the holder', async () => {
    const db = await startMariaDb();
    const [a, b] = [await teamHost(db), await teamHost(db)];
    const briefId = await teamBrief([a, b], 'race');
    const outs = [makeTempDir(), makeTempDir()];

    const made = await Promise.all([dispatchWorker(a, briefId, outs[0]!), dispatchWorker(b, briefId, outs[1]!)]);
    const settled = await until('both dispatches decided', async () => {
      const ds = await Promise.all([dispatchOn(a, made[0].dispatch.id), dispatchOn(b, made[1].dispatch.id)]);
      return ds.every((d) => d.state === 'running' || d.state === 'failed') ? ds : null;
    });
    const winner = settled.findIndex((d) => d.state === 'running');
    expect(settled.map((d) => d.state).sort()).toEqual(['failed', 'running']);
    const loser = settled[1 - winner]!;
    expect(loser.reason).toMatch(new RegExp(`^#\\d+ is claimed on host [0-9a-f]{12} by agent-brief-\\d+, dispatched by operator:op since \\d{4}-\\d\\d-\\d\\dT.*: one claim per brief across every host, so no agent was started here`));
    expect(loser.agentId).toBeNull();
    // Exactly one agent ran, and its own claim (through MCP) was granted.
    await until('the winner to claim', async () => ((await traceOf([a, b][winner]!, briefId)).some((e) => e.kind === 'claimed') ? true : null));
    expect(startedAgents(outs[winner]!)).toHaveLength(1);
    expect(existsSync(outs[1 - winner]!) ? startedAgents(outs[1 - winner]!) : []).toHaveLength(0);
    const stepsFile = join(outs[winner]!, startedAgents(outs[winner]!)[0]!.replace('.json', '.steps.jsonl'));
    const steps = await until('the winner agent to report its claim', async () => (existsSync(stepsFile) ? readFileSync(stepsFile, 'utf8') : null));
    expect(steps).toContain('"step":"mcp-claim"');
    expect(steps).not.toContain('brief_claimed');
  }, 90_000);

  it('the shared store hung: a dispatch waits with the reason in dispatch.list, and starts its agent once the store answers', async () => {
    const db = await startMariaDb();
    const a = await teamHost(db);
    const briefId = await teamBrief([a], 'offline');
    const out = makeTempDir();
    db.pause();
    let made: { dispatch: Dispatch };
    try {
      made = await dispatchWorker(a, briefId, out);
      const waiting = await until('the dispatch to wait for the store', async () => {
        const d = await dispatchOn(a, made.dispatch.id);
        return d.state === 'waiting' && d.reason ? d : null;
      });
      expect(waiting.reason).toMatch(/^waiting for the shared store to decide the claim on #\d+: .*(did not answer within 2 s|cannot be reached).*; it starts when the store answers$/);
      expect(waiting.agentId).toBeNull();
      expect(startedAgents(out)).toHaveLength(0);
    } finally {
      db.resume();
    }
    const running = await until('the dispatch to start once the store answers', async () => {
      const d = await dispatchOn(a, made.dispatch.id);
      return d.state === 'running' ? d : null;
    }, 30_000);
    expect(running.reason).toBeNull();
    await until('its agent to start', async () => (startedAgents(out).length === 1 ? true : null));
  }, 90_000);

  it('a holder that cannot renew stops its agent before the lease could lapse; then the other host can take the brief', async () => {
    const db = await startMariaDb();
    const env = { GROVE_CLAIM_LEASE_MS: '6000' };
    const [a, b] = [await teamHost(db, env), await teamHost(db, env)];
    const briefId = await teamBrief([a, b], 'lapse');
    const made = await dispatchWorker(a, briefId, makeTempDir());
    const running = await until('a to run', async () => {
      const d = await dispatchOn(a, made.dispatch.id);
      return d.state === 'running' && d.agentId ? d : null;
    });
    await db.kill9();
    const stoppedAt = Date.now();
    const ended = await until('a to give the claim up', async () => {
      const d = await dispatchOn(a, made.dispatch.id);
      return d.state === 'finished' ? d : null;
    }, 20_000);
    expect(ended.reason).toMatch(/the shared store could not be reached to renew the claim on #\d+ .* its agent was stopped so two agents never work on it/);
    await until('its agent to stop', async () => {
      const agents = (await call<{ agents: { id: string; supervision: { kind: string } }[] }>(a, 'agents.list')).agents;
      const s = agents.find((x) => x.id === running.agentId)?.supervision.kind;
      return s && s !== 'running' && s !== 'starting' ? true : null;
    });
    // Given up within the lease the server counts from the last renewal, so never two at once.
    expect(Date.now() - stoppedAt).toBeLessThan(6000);
    // The server's lease (from a's last renewal, before the kill) is over by now.
    await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + 6500 - Date.now())));
    await db.restart();
    const out = makeTempDir();
    const second = await dispatchWorker(b, briefId, out);
    const onB = await until('b to run once the lease is over', async () => {
      const d = await dispatchOn(b, second.dispatch.id);
      return d.state === 'running' || d.state === 'failed' ? d : null;
    }, 30_000);
    expect(onB.state).toBe('running');
  }, 120_000);

  it('a design pass whose plan is accepted hands the brief to its build on the same host: the build claims it and runs', async () => {
    const db = await startMariaDb();
    const a = await teamHost(db);
    const briefId = await teamBrief([a], 'design then build');
    const out = makeTempDir();
    const design = await call<{ dispatch: Dispatch }>(a, 'dispatch.create', {
      ref: briefId,
      preset: 'custom',
      command: process.execPath,
      args: [WORKER, '--out', out, '--steps', 'mcp-recall,mcp-plan:one step'],
      designFirst: true,
      auto: true,
    });
    briefIdOf.set(design.dispatch.id, briefId);
    const plan = await until('the design pass to propose its plan', async () => (await traceOf(a, briefId)).find((e) => e.kind === 'plan_proposed') ?? null);
    await call(a, 'briefs.append', { ref: briefId, action: { kind: 'plan_accepted', planEntryId: plan.id } });
    const build = await until('the build dispatch to start or fail', async () => {
      const ds = (await call<{ dispatches: Dispatch[] }>(a, 'dispatch.list', { ref: briefId })).dispatches;
      const d = ds.find((x) => x.phase === 'build');
      return d && (d.state === 'running' || d.state === 'failed') ? d : null;
    }, 30_000);
    expect(build.reason ?? '').not.toMatch(/is claimed on host/);
    expect(build.state).toBe('running');
    expect((await dispatchOn(a, design.dispatch.id)).state).toBe('finished');
  }, 90_000);

  it("claim_brief by agents started by hand: refused as undecided while the store is hung, granted once it answers, refused on the other host naming this one", async () => {
    const db = await startMariaDb();
    const [a, b] = [await teamHost(db), await teamHost(db)];
    const briefId = await teamBrief([a, b], 'by hand');
    const ref = `#${(await call<{ brief: { number: number } }>(a, 'briefs.get', { ref: briefId, limit: 1 })).brief.number}`;
    const agentA = await startTokenAgent(a, 'hand-a', 'worker');
    const client = await mcpClient(a, agentA.token);
    db.pause();
    try {
      const undecided = await callTool(client, 'claim_brief', { ref });
      expect(undecided.isError).toBe(true);
      expect(undecided.content[0]!.text).toMatch(new RegExp(`^claim_undecided: ${ref}'s claim is decided by the shared store, which cannot be reached now \\(.*\\); nothing was claimed\\. Try again in a moment\\.$`));
    } finally {
      db.resume();
    }
    const granted = await callTool(client, 'claim_brief', { ref });
    expect(granted.isError).toBeFalsy();
    await client.close();

    const refB = `#${(await call<{ brief: { number: number } }>(b, 'briefs.get', { ref: briefId, limit: 1 })).brief.number}`;
    const agentB = await startTokenAgent(b, 'hand-b', 'worker');
    const clientB = await mcpClient(b, agentB.token);
    const refused = await callTool(clientB, 'claim_brief', { ref: refB });
    expect(refused.isError).toBe(true);
    expect(refused.content[0]!.text).toMatch(new RegExp(`^brief_claimed: ${refB} is claimed on host [0-9a-f]{12} by hand-a since `));
    await clientB.close();
  }, 90_000);

  it('an agent claiming again what it holds while the store is hung is answered at once from its claim, not refused', async () => {
    const db = await startMariaDb();
    const a = await teamHost(db);
    const briefId = await teamBrief([a], 'held');
    const ref = `#${(await call<{ brief: { number: number } }>(a, 'briefs.get', { ref: briefId, limit: 1 })).brief.number}`;
    const agent = await startTokenAgent(a, 'hand-held', 'worker');
    const client = await mcpClient(a, agent.token);
    expect((await callTool(client, 'claim_brief', { ref })).isError).toBeFalsy();
    db.pause();
    try {
      // Asked of the paused store, the claim would end claim_undecided after its step timeout.
      const again = await callTool(client, 'claim_brief', { ref });
      expect(again.isError, again.content[0]?.text).toBeFalsy();
      expect(again.structuredContent).toMatchObject({ already: true, claim: { agentId: agent.id } });
    } finally {
      db.resume();
    }
    await client.close();
  }, 90_000);
});
