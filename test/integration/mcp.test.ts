import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Brief, BriefEntry } from '../../src/shared/briefs';
import { git, makeRepo } from '../fixtures/git-repo';
import { addTrustedRepo, api, browserSession, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { callTool, mcpClient, sizesOf, startTokenAgent, textOf, type TestAgent } from '../fixtures/mcp-client';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { until } from '../fixtures/wait-until';

/**
 * Grove's MCP server against a real host, through the SDK's real client over Streamable
 * HTTP: who gets in (a bearer token, the operator's or an agent's; never a cookie, never
 * from another site), which tools each caller sees, what each tool writes (in the caller's
 * name, channel mcp), and that no answer passes 8,000 tokens however big the brief.
 */
const images = new URL('../fixtures/images/', import.meta.url).pathname;
/** 8,000 tokens at four characters a token. */
const BOUND = 32_000;

const WORKER_TOOLS = ['add_link', 'add_note', 'attach_screenshot', 'claim_brief', 'list_briefs', 'propose_plan', 'recall_brief', 'set_status'];
const ORCHESTRATOR_TOOLS = [...WORKER_TOOLS, 'create_brief', 'dispatch_brief', 'request_merge'].sort();
const OPERATOR_TOOLS = ORCHESTRATOR_TOOLS.filter((t) => t !== 'attach_screenshot' && t !== 'claim_brief');

let host: HostProcess;
let worker: TestAgent;
let orchestrator: TestAgent;
const clients: Client[] = [];

async function connect(token: string, era: 'legacy' | 'modern' = 'legacy'): Promise<Client> {
  const c = await mcpClient(host, token, era);
  clients.push(c);
  return c;
}

async function createBrief(title: string, extra: Record<string, unknown> = {}): Promise<{ id: string; number: number }> {
  const r = await api(host, 'briefs.create', { title, ...extra });
  if (!r.body.ok) throw new Error(JSON.stringify(r.body.error));
  return (r.body.result as { brief: Brief }).brief;
}

async function trace(ref: string): Promise<BriefEntry[]> {
  const r = await api(host, 'briefs.get', { ref, limit: 500 });
  return (r.body.result as { trace: BriefEntry[] }).trace;
}

/** A raw POST to /mcp, as a client that is not the SDK would send it. */
function rawPost(headers: Record<string, string>, body: unknown): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(
      `${host.url}/mcp`,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': String(Buffer.byteLength(text)), ...headers } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const INITIALIZE_2025 = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'curl-like', version: '1' } },
};

/**
 * A PATH whose `claude` is the fake (test/fixtures/agents/fake-claude.mjs): dispatch_brief
 * offers the claude and codex presets only, and no real Claude Code may start here.
 */
function pathWithFakeClaude(): string {
  const bin = makeTempDir('grove-fake-bin-');
  const fake = new URL('../fixtures/agents/fake-claude.mjs', import.meta.url).pathname;
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\nexec "${process.execPath}" "${fake}" "$@"\n`, { mode: 0o755 });
  return `${bin}:${process.env.PATH ?? ''}`;
}

beforeAll(async () => {
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike', PATH: pathWithFakeClaude() } });
  worker = await startTokenAgent(host, 'lily-worker', 'worker');
  orchestrator = await startTokenAgent(host, 'flower-orchestrator', 'orchestrator');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await stopAllHosts();
  removeTempDirs();
});

describe('who gets in', () => {
  it('refuses a request without a token, or with a wrong one, with 401 and says how to authenticate', async () => {
    for (const headers of [{}, { authorization: 'Bearer not-a-token' }, { authorization: `Basic ${host.token}` }] as Record<string, string>[]) {
      const r = await rawPost(headers, INITIALIZE_2025);
      expect(r.status).toBe(401);
      const body = JSON.parse(r.body) as { ok: boolean; error: { code: string; message: string } };
      expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(body.error.message).toContain('GROVE_AGENT_TOKEN');
    }
    await expect(mcpClient(host, 'not-a-token')).rejects.toThrow();
  });

  it('refuses the token of an agent that has stopped: a token is good for one run', async () => {
    const gone = await startTokenAgent(host, 'daisy-gone', 'worker');
    expect((await rawPost({ authorization: `Bearer ${gone.token}` }, INITIALIZE_2025)).status).toBe(200);
    expect((await api(host, 'agents.stop', { id: gone.id })).body.ok).toBe(true);
    expect((await rawPost({ authorization: `Bearer ${gone.token}` }, INITIALIZE_2025)).status).toBe(401);
  });

  it("refuses an agent's token on the operator's stream (/ws) as forbidden, saying what it opens, not as a wrong token", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${host.url}/ws`);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', authorization: `Bearer ${worker.token}` } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ ok: false, error: { code: 'forbidden', message: "An agent's token does not open /ws (the operator's stream): agents call the /api methods open to them, or /mcp." } });
  });

  it("refuses a browser session's cookie and page key: MCP takes a bearer token only", async () => {
    const { cookie, key } = await browserSession(host);
    expect((await fetch(`${host.url}/`, { headers: { cookie } })).status).toBe(200);
    expect((await rawPost({ cookie }, INITIALIZE_2025)).status).toBe(401);
    expect((await rawPost({ 'x-grove-session': key }, INITIALIZE_2025)).status).toBe(401);
    expect((await rawPost({ authorization: `Bearer ${key}` }, INITIALIZE_2025)).status).toBe(401);
  });

  it('refuses another site (Origin) and a name that is not the host (Host), even with the right token', async () => {
    const withToken = { authorization: `Bearer ${worker.token}` };
    const foreignOrigin = await rawPost({ ...withToken, origin: 'https://evil.example' }, INITIALIZE_2025);
    expect(foreignOrigin.status).toBe(403);
    expect(JSON.parse(foreignOrigin.body)).toMatchObject({ error: { code: 'forbidden_origin' } });
    const foreignHost = await rawPost({ ...withToken, host: `evil.example:${host.port}` }, INITIALIZE_2025);
    expect(foreignHost.status).toBe(403);
    expect(JSON.parse(foreignHost.body)).toMatchObject({ error: { code: 'forbidden_host' } });
    // The host's own origin is fine.
    const own = await rawPost({ ...withToken, origin: host.url }, INITIALIZE_2025);
    expect(own.status).toBe(200);
  });

  it('answers a body over 2 MiB with 413 before parsing it, and writes nothing', async () => {
    const before = ((await api(host, 'briefs.list', {})).body.result as { briefs: unknown[] }).briefs.length;
    const r = await rawPost({ authorization: `Bearer ${worker.token}` }, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'create_brief', arguments: { title: 'x', spec: 'y'.repeat(3 * 1024 * 1024) } } });
    expect(r.status).toBe(413);
    expect(((await api(host, 'briefs.list', {})).body.result as { briefs: unknown[] }).briefs.length).toBe(before);
  });

  it('serves a plain 2025 initialize (stateless: no session id is handed out to be trusted later)', async () => {
    const r = await rawPost({ authorization: `Bearer ${worker.token}` }, INITIALIZE_2025);
    expect(r.status).toBe(200);
    expect(r.headers['mcp-session-id']).toBeUndefined();
    const text = r.body.startsWith('{') ? r.body : r.body.split('\n').find((l) => l.startsWith('data: '))!.slice(6);
    const answer = JSON.parse(text) as { result: { protocolVersion: string; serverInfo: { name: string } } };
    expect(answer.result.protocolVersion).toBe('2025-06-18');
    expect(answer.result.serverInfo.name).toBe('grove');
  });

  it('speaks the 2026-07-28 revision to a client that negotiates it, and the 2025 one to a client that does not', async () => {
    const modern = await connect(worker.token, 'modern');
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    const legacy = await connect(worker.token);
    expect(legacy.getNegotiatedProtocolVersion()).toMatch(/^2025-/);
    for (const c of [modern, legacy]) expect((await c.listTools()).tools.map((t) => t.name).sort()).toEqual(WORKER_TOOLS);
  });
});

describe('tools per role', () => {
  it('gives a worker the brief tools, an orchestrator also create, dispatch and merge, the operator all but the lane-bound ones', async () => {
    const names = async (token: string) => (await (await connect(token)).listTools()).tools.map((t) => t.name).sort();
    expect(await names(worker.token)).toEqual(WORKER_TOOLS);
    expect(await names(orchestrator.token)).toEqual(ORCHESTRATOR_TOOLS);
    expect(await names(host.token)).toEqual(OPERATOR_TOOLS);
  });

  it('marks what only reads, what may destroy, and what repeats safely', async () => {
    const tools = new Map((await (await connect(orchestrator.token)).listTools()).tools.map((t) => [t.name, t]));
    expect(tools.get('list_briefs')!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true, openWorldHint: false });
    expect(tools.get('recall_brief')!.annotations).toMatchObject({ readOnlyHint: true, idempotentHint: true });
    expect(tools.get('add_note')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(tools.get('claim_brief')!.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: true });
    expect(tools.get('request_merge')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    // Inputs carry their enums, so a model sees the choices.
    type StatusSchema = { properties: { status: { enum: string[] } }; required: string[] };
    const setStatus = tools.get('set_status')!.inputSchema as unknown as StatusSchema;
    expect(setStatus.properties.status.enum).toEqual(['in_progress', 'in_review']);
    expect(setStatus.required.sort()).toEqual(['expected_version', 'reason', 'ref', 'status']);
    const operatorTools = new Map((await (await connect(host.token)).listTools()).tools.map((t) => [t.name, t]));
    expect((operatorTools.get('set_status')!.inputSchema as unknown as StatusSchema).properties.status.enum).toEqual(['draft', 'planned', 'in_progress', 'in_review', 'done', 'cancelled']);
  });

  it("does not let a worker call an orchestrator's tool", async () => {
    const c = await connect(worker.token);
    const outcome = await c.callTool({ name: 'create_brief', arguments: { title: 'Sneaky' } }).then(
      (r) => ({ isError: (r as { isError?: boolean }).isError === true, text: JSON.stringify(r) }),
      (e: Error) => ({ isError: true, text: e.message }),
    );
    expect(outcome.isError).toBe(true);
    expect(outcome.text).toContain('create_brief');
    const listed = (await api(host, 'briefs.list', { query: 'Sneaky' })).body.result as { briefs: unknown[] };
    expect(listed.briefs).toEqual([]);
  });
});

describe('a worker on a brief', () => {
  let brief: { id: string; number: number };
  let ref: string;
  let c: Client;
  beforeAll(async () => {
    brief = await createBrief('Petal colours in the dark theme', { projects: ['flower'], spec: '# Petals\n\nMake the petals readable in the dark theme.' });
    ref = `#${brief.number}`;
    c = await connect(worker.token);
  });

  it('recalls the brief: the same agent\'s-eye view briefs.recall gives, with the version to write against', async () => {
    const answer = await callTool(c, 'recall_brief', { ref });
    expect(answer.isError).toBeFalsy();
    const viaApi = (await api(host, 'briefs.recall', { ref })).body.result as { text: string };
    expect(textOf(answer)).toBe(viaApi.text);
    expect(answer.structuredContent).toMatchObject({ briefId: brief.id, number: brief.number, text: viaApi.text, version: 2, status: 'draft' });
  });

  it('says so when nothing was dispatched to it and no ref is given', async () => {
    const answer = await callTool(c, 'recall_brief', {});
    expect(answer.isError).toBe(true);
    expect(textOf(answer)).toMatch(/^invalid_request: No brief was dispatched to you .*give ref/);
  });

  it('answers an unknown brief as a tool error naming it', async () => {
    const answer = await callTool(c, 'recall_brief', { ref: '#9999' });
    expect(answer).toMatchObject({ isError: true, structuredContent: { error: { code: 'brief_unknown' } } });
    expect(textOf(answer)).toContain('#9999');
  });

  it('writes notes, comments, a plan, a status and links, each in its own name through mcp', async () => {
    const note = await callTool(c, 'add_note', { ref, text: 'The petal tokens are in tokens.css.' });
    expect(note.isError).toBeFalsy();
    expect((note.structuredContent!.entries as { kind: string }[]).map((e) => e.kind)).toEqual(['participant_joined', 'note']);
    expect((await callTool(c, 'add_note', { ref, text: 'Looks good in light too.', kind: 'comment' })).isError).toBeFalsy();
    const plan = await callTool(c, 'propose_plan', { ref, spec_markdown: '# Plan\n\n1. Darken the petal tokens.', summary: 'Darken the tokens' });
    expect((plan.structuredContent!.entries as { kind: string; payload: { summary: string } }[])[0]).toMatchObject({ kind: 'plan_proposed', payload: { summary: 'Darken the tokens' } });

    const version = (await callTool(c, 'recall_brief', { ref })).structuredContent!.version as number;
    const stale = await callTool(c, 'set_status', { ref, status: 'in_progress', reason: 'starting', expected_version: version - 1 });
    expect(stale).toMatchObject({ isError: true, structuredContent: { error: { code: 'brief_version_conflict' } } });
    const moved = await callTool(c, 'set_status', { ref, status: 'in_progress', reason: 'starting on the tokens', expected_version: version });
    expect(moved.isError).toBeFalsy();
    expect(moved.structuredContent!.brief).toMatchObject({ ref, status: 'in_progress' });
    const done = await callTool(c, 'set_status', { ref, status: 'done', reason: 'finished', expected_version: version + 1 });
    expect(done.isError).toBe(true);

    const other = await createBrief('Dark theme epic');
    for (const [to, type, target] of [
      [`#${other.number}`, 'brief', other.id],
      ['https://flower.test/pr/7', 'url', 'https://flower.test/pr/7'],
      ['ABCDEF1234567', 'commit', 'abcdef1234567'],
      ['lane:petals', 'lane', 'petals'],
    ] as const) {
      const linked = await callTool(c, 'add_link', { ref, to, label: 'execution' });
      expect(linked.isError, textOf(linked)).toBeFalsy();
      expect((linked.structuredContent!.entries as { payload: { type: string; target: string } }[]).at(-1)!.payload).toMatchObject({ type, target });
    }
    const refused = await callTool(c, 'add_link', { ref, to: 'the petals thing' });
    expect(refused).toMatchObject({ isError: true, structuredContent: { error: { code: 'invalid_request' } } });
    expect(textOf(refused)).toContain('Give #N for a brief, an http(s) URL, a commit sha');
  });

  it('attaches a screenshot from its lane, and nothing from outside it or that is not an image', async () => {
    copyFileSync(join(images, 'screenshot.png'), join(worker.lanePath, 'petals.png'));
    mkdirSync(join(worker.lanePath, 'shots'), { recursive: true });
    copyFileSync(join(images, 'photo.jpg'), join(worker.lanePath, 'shots', 'photo.jpg'));
    const attached = await callTool(c, 'attach_screenshot', { ref, path: 'petals.png' });
    expect(attached.isError, textOf(attached)).toBeFalsy();
    expect(attached.structuredContent!.attachment).toMatchObject({ name: 'petals.png', type: 'image/png' });
    const absolute = await callTool(c, 'attach_screenshot', { ref, path: join(worker.lanePath, 'shots', 'photo.jpg') });
    expect(absolute.structuredContent!.attachment).toMatchObject({ name: 'photo.jpg', type: 'image/jpeg' });

    const outside = makeTempDir('grove-outside-');
    copyFileSync(join(images, 'screenshot.png'), join(outside, 'secret.png'));
    symlinkSync(join(outside, 'secret.png'), join(worker.lanePath, 'link.png'));
    writeFileSync(join(worker.lanePath, 'notes.txt'), 'not an image at all\n');
    const refusals = [
      [join(outside, 'secret.png'), 'path_outside_lane'],
      ['../' + realpathSync(outside).split('/').at(-1) + '/secret.png', 'path_outside_lane'],
      ['link.png', 'path_outside_lane'],
      ['/etc/passwd', 'path_outside_lane'],
      ['notes.txt', 'attachment_type_refused'],
      ['shots', 'invalid_request'],
      ['missing.png', 'invalid_request'],
    ] as const;
    for (const [path, code] of refusals) {
      const answer = await callTool(c, 'attach_screenshot', { ref, path });
      expect(answer.isError, path).toBe(true);
      expect((answer.structuredContent!.error as { code: string }).code, path).toBe(code);
    }
    const got = (await api(host, 'briefs.get', { ref })).body.result as { brief: Brief };
    expect(got.brief.attachments.map((a) => a.name)).toEqual(['petals.png', 'photo.jpg']);
  });

  it('names the agent and the mcp channel on every entry it wrote, and Grove (automatic) on its joining', async () => {
    // The operator created the brief (and joined it); everything after is the worker's.
    const mine = (await trace(ref)).filter((e) => e.actor.name !== 'operator:mike' && !(e.kind === 'participant_joined' && e.payload?.name === 'operator:mike'));
    // Joined, a note, a comment, a plan, a status, four links, two screenshots.
    expect(mine.length).toBe(11);
    for (const e of mine) {
      if (e.kind === 'participant_joined') expect(e).toMatchObject({ actor: { kind: 'system', name: 'lily-worker' }, channel: 'automatic' });
      else expect(e, e.kind).toMatchObject({ actor: { kind: 'agent', name: 'lily-worker' }, channel: 'mcp' });
    }
    expect(new Set(mine.map((e) => e.kind))).toEqual(new Set(['participant_joined', 'note', 'comment', 'plan_proposed', 'status_change', 'link_added', 'attachment_added']));
  });

  it('lists briefs with filters, one line each, and pages with next_cursor', async () => {
    const all = await callTool(c, 'list_briefs', { status: ['in_progress'] });
    expect(all.structuredContent!.briefs).toEqual([expect.objectContaining({ ref, status: 'in_progress', projects: ['flower'], participants: ['operator:mike', 'lily-worker'] })]);
    const found = await callTool(c, 'list_briefs', { query: 'petal' });
    expect((found.structuredContent!.briefs as { ref: string }[]).map((b) => b.ref)).toEqual([ref]);
    const first = await callTool(c, 'list_briefs', { limit: 1 });
    expect(first.structuredContent!.next_cursor).toEqual(expect.any(String));
    const second = await callTool(c, 'list_briefs', { limit: 1, cursor: first.structuredContent!.next_cursor });
    expect((second.structuredContent!.briefs as { ref: string }[])[0]!.ref).not.toBe((first.structuredContent!.briefs as { ref: string }[])[0]!.ref);
    const badCursor = await callTool(c, 'list_briefs', { cursor: 'nonsense' });
    expect(badCursor).toMatchObject({ isError: true, structuredContent: { error: { code: 'cursor_invalid' } } });
    const tooMany = await callTool(c, 'list_briefs', { limit: 51 });
    expect(tooMany.isError).toBe(true);
  });
});

describe('an orchestrator', () => {
  it('creates a brief in its own name', async () => {
    const c = await connect(orchestrator.token);
    const created = await callTool(c, 'create_brief', { title: 'Seed the garden', kind: 'chore', projects: ['flower'], spec: '# Seed' });
    expect(created.isError, textOf(created)).toBeFalsy();
    const ref = (created.structuredContent!.brief as { ref: string }).ref;
    const entries = await trace(ref);
    expect(entries.find((e) => e.kind === 'created')).toMatchObject({ actor: { kind: 'agent', name: 'flower-orchestrator' }, channel: 'mcp' });
  });

  it('asks for a merge through the gate: a lane merges into MAIN only if the gate passes', async () => {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    writeFileSync(join(main, 'grove.yaml'), "merge:\n  gate: 'test ! -e BROKEN'\n");
    git(main, 'add', '.');
    git(main, 'commit', '-q', '-m', 'gate');
    const repoId = await addTrustedRepo(host, main);
    const lanes: { path: string }[] = [];
    for (const name of ['petals', 'broken']) {
      const r = await api(host, 'lanes.create', { repoId, name });
      if (!r.body.ok) throw new Error(JSON.stringify(r.body.error));
      lanes.push((r.body.result as { lane: { path: string } }).lane);
    }
    writeFileSync(join(lanes[0]!.path, 'petals.css'), '.petal { color: #222 }\n');
    git(lanes[0]!.path, 'add', '.');
    git(lanes[0]!.path, 'commit', '-q', '-m', 'darker petals');
    writeFileSync(join(lanes[1]!.path, 'BROKEN'), 'x\n');
    git(lanes[1]!.path, 'add', '.');
    git(lanes[1]!.path, 'commit', '-q', '-m', 'breaks the gate');

    const c = await connect(orchestrator.token);
    const merged = await callTool(c, 'request_merge', { lane: 'petals' });
    expect(merged.isError, textOf(merged)).toBeFalsy();
    expect(merged.structuredContent!.merge).toMatchObject({ laneName: 'petals', state: 'merged' });
    expect(git(main, 'log', '-1', '--format=%s')).toBe('darker petals');

    const headBefore = git(main, 'rev-parse', 'HEAD');
    const failed = await callTool(c, 'request_merge', { lane: 'broken' });
    expect(failed).toMatchObject({ isError: true, structuredContent: { error: { code: 'merge_gate_failed' } } });
    expect(git(main, 'rev-parse', 'HEAD')).toBe(headBefore);

    const unknown = await callTool(c, 'request_merge', { lane: 'no-such-lane' });
    expect(unknown).toMatchObject({ isError: true, structuredContent: { error: { code: 'lane_unknown' } } });
  });

  it('dispatches a brief to an ephemeral lane, in its own name', async () => {
    const c = await connect(orchestrator.token);
    const brief = await createBrief('Water the seedlings', { projects: ['flower'] });
    const answer = await callTool(c, 'dispatch_brief', { ref: `#${brief.number}`, preset: 'claude' });
    expect(answer.isError, textOf(answer)).toBeFalsy();
    expect(answer.structuredContent).toMatchObject({ dispatch: { briefId: brief.id, role: 'worker' }, packet: { number: brief.number } });
    expect((await trace(`#${brief.number}`)).find((e) => e.kind === 'dispatch_requested')).toMatchObject({ actor: { kind: 'agent', name: 'flower-orchestrator' } });
  });

  it("is refused a brief an agent started by hand has claimed (naming it), and a repo_id other than the brief's project's (naming both)", async () => {
    await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'pasture')));
    const barn = await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'barn')));
    const c = await connect(orchestrator.token);

    const claimed = await createBrief('Feed the goats', { projects: ['pasture'] });
    expect((await callTool(await connect(worker.token), 'claim_brief', { ref: `#${claimed.number}` })).isError).toBeFalsy();
    const refused = await callTool(c, 'dispatch_brief', { ref: `#${claimed.number}` });
    expect(refused).toMatchObject({ isError: true, structuredContent: { error: { code: 'brief_claimed', details: { holder: 'lily-worker' } } } });
    expect(textOf(refused)).toContain(`#${claimed.number} is claimed by lily-worker`);
    expect(textOf(refused)).toContain('Stop lily-worker first (grove agent stop lily-worker, or Stop on its tab)');
    expect((await api(host, 'dispatch.list', { ref: `#${claimed.number}` })).body.result).toMatchObject({ dispatches: [] });

    const other = await createBrief('Mend the fence', { projects: ['pasture'] });
    const elsewhere = await callTool(c, 'dispatch_brief', { ref: `#${other.number}`, repo_id: barn });
    expect(elsewhere).toMatchObject({ isError: true, structuredContent: { error: { code: 'dispatch_not_possible' } } });
    expect(textOf(elsewhere)).toContain(`project "pasture" is the repository pasture (`);
    expect(textOf(elsewhere)).toContain(`not barn (${barn}), the one given`);
    expect((await api(host, 'dispatch.list', { ref: `#${other.number}` })).body.result).toMatchObject({ dispatches: [] });
  });
});

describe('an orchestrator kept off the network', () => {
  type Listed = { id: string; dispatchId: string | null; confinement: { confined: boolean; network: string } | null; supervision: { kind: string } };
  const agentOf = (dispatchId: string) =>
    until(`the agent of dispatch ${dispatchId}`, async () => ((await api(host, 'agents.list', {})).body.result as { agents: Listed[] }).agents.find((a) => a.dispatchId === dispatchId && a.confinement));

  it('starts no agent freer than itself: into an open lane its agent is kept off the network too; where confinement is off, none starts', async () => {
    const meadow = await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'meadow')));
    const made = await api(host, 'lanes.create', { repoId: meadow, name: 'plans', network: 'none' });
    const plans = (made.body.result as { lane: { path: string } }).lane;
    const boxed = await startTokenAgent(host, 'boxed-orchestrator', 'orchestrator', plans.path);
    const c = await connect(boxed.token);

    const mow = await createBrief('Mow the meadow', { projects: ['meadow'] });
    const answer = await callTool(c, 'dispatch_brief', { ref: `#${mow.number}` });
    expect(answer.isError, textOf(answer)).toBeFalsy();
    const dispatch = (answer.structuredContent as { dispatch: { id: string; laneName: string; ceiling: unknown } }).dispatch;
    expect(dispatch.ceiling).toEqual({ network: 'none', keyless: false, repoId: meadow, withheld: [] });
    const agent = await agentOf(dispatch.id);
    expect(agent.confinement).toMatchObject({ confined: true, network: 'none' });
    expect(agent).toMatchObject({ ceiling: { network: 'none', keyless: false, repoId: meadow, withheld: [] } });
    // Its lane is open as the operator left it: only this agent is held to the ceiling.
    const lanes = (await api(host, 'lanes.list', { repoId: meadow })).body.result as { lanes: { name: string; network: string | null }[] };
    expect(lanes.lanes.find((l) => l.name === dispatch.laneName)?.network ?? null).toBeNull();
    // Recycled by the operator, the fresh agent is still the dispatch's, and still held to it.
    const recycled = await api(host, 'agents.recycle', { id: agent.id, handoff: 'Go on mowing.' });
    expect(recycled.body.ok, JSON.stringify(recycled.body)).toBe(true);
    const fresh = await until('the recycled agent', async () => ((await api(host, 'agents.list', {})).body.result as { agents: Listed[] }).agents.find((a) => a.dispatchId === dispatch.id && a.id !== agent.id && a.confinement));
    expect(fresh.confinement).toMatchObject({ confined: true, network: 'none' });

    // A brief of another repository: its agent runs there key-less, in a key-less lane of its
    // own (hayloft's keys were never this orchestrator's), and kept off the network as well.
    const hayloft = await addTrustedRepo(host, makeRepo(join(realpathSync(makeTempDir()), 'hayloft')));
    const stack = await createBrief('Stack the hay', { projects: ['hayloft'] });
    const stacked = await callTool(c, 'dispatch_brief', { ref: `#${stack.number}` });
    expect(stacked.isError, textOf(stacked)).toBeFalsy();
    const stackDispatch = (stacked.structuredContent as { dispatch: { id: string; laneName: string } }).dispatch;
    expect((await agentOf(stackDispatch.id)).confinement).toMatchObject({ confined: true, network: 'none' });
    const hayLanes = (await api(host, 'lanes.list', { repoId: hayloft })).body.result as { lanes: { name: string; keyless: boolean }[] };
    expect(hayLanes.lanes.find((l) => l.name === stackDispatch.laneName)?.keyless).toBe(true);

    // A repository whose grove.yaml turns confinement off: its agent would run unconfined, so the
    // dispatch is refused, saying why and who can start it; no lane is made, no agent started.
    const orchardDir = makeRepo(join(realpathSync(makeTempDir()), 'orchard'));
    writeFileSync(join(orchardDir, 'grove.yaml'), 'lanes:\n  confine: false\n');
    git(orchardDir, 'add', '.');
    git(orchardDir, 'commit', '-q', '-m', 'recipe');
    const orchard = await addTrustedRepo(host, orchardDir);
    const pick = await createBrief('Pick the apples', { projects: ['orchard'] });
    const asked = await callTool(c, 'dispatch_brief', { ref: `#${pick.number}` });
    expect(asked).toMatchObject({ isError: true, structuredContent: { error: { code: 'dispatch_not_possible' } } });
    expect(textOf(asked)).toContain('Its agent would run unconfined (grove.yaml turns confinement off (lanes.confine: false)), but a confined agent asked for it');
    expect(textOf(asked)).toContain(`Ask the operator to dispatch #${pick.number} (the cockpit's Dispatch, or grove dispatch)`);
    expect((await api(host, 'dispatch.list', { ref: `#${pick.number}` })).body.result).toMatchObject({ dispatches: [] });
    expect(((await api(host, 'lanes.list', { repoId: orchard })).body.result as { lanes: unknown[] }).lanes).toEqual([]);
    // The operator's dispatch of the same brief starts it, unconfined as its recipe says.
    const mine = await api(host, 'dispatch.create', { ref: `#${pick.number}` });
    expect(mine.body.ok, JSON.stringify(mine.body)).toBe(true);
    const theirs = await agentOf((mine.body.result as { dispatch: { id: string } }).dispatch.id);
    expect(theirs.confinement).toMatchObject({ confined: false, reason: 'grove.yaml turns confinement off (lanes.confine: false)' });
  });
});

describe('an orchestrator in a key-less lane', () => {
  it("gets its agents key-less lanes, never a keyed one, and they go without the keys too", async () => {
    // A host of its own, with a key in its environment that grove.yaml strips from key-less lanes.
    const keyed = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike', PATH: pathWithFakeClaude(), GARDEN_API_KEY: 'sk-garden-1234' } });
    const gardenDir = makeRepo(join(realpathSync(makeTempDir()), 'garden'));
    writeFileSync(join(gardenDir, 'grove.yaml'), 'setup:\n  stripKeys: ["*_API_KEY"]\n');
    git(gardenDir, 'add', '.');
    git(gardenDir, 'commit', '-q', '-m', 'recipe');
    const garden = await addTrustedRepo(keyed, gardenDir);
    const laneOf = async (name: string, keyless: boolean) => ((await api(keyed, 'lanes.create', { repoId: garden, name, keyless })).body.result as { lane: { id: string; path: string } }).lane;
    const quiet = await laneOf('quiet', true);
    await laneOf('loud', false);
    const boxed = await startTokenAgent(keyed, 'quiet-orchestrator', 'orchestrator', quiet.path);
    const c = await mcpClient(keyed, boxed.token);
    clients.push(c);
    const envOf = async (dispatchId: string): Promise<string[]> => {
      const agent = await until(`the agent of ${dispatchId}`, async () =>
        ((await api(keyed, 'agents.list', {})).body.result as { agents: { dispatchId: string | null; supervision: { kind: string; pid?: number } }[] }).agents.find((a) => a.dispatchId === dispatchId && a.supervision.kind === 'running'),
      );
      return readFileSync(`/proc/${agent.supervision.pid}/environ`, 'utf8').split('\0');
    };
    const brief = async (title: string) => ((await api(keyed, 'briefs.create', { title, projects: ['garden'] })).body.result as { brief: { number: number } }).brief;

    const weed = await brief('Weed the garden');
    const refused = await callTool(c, 'dispatch_brief', { ref: `#${weed.number}`, lane: 'loud' });
    expect(refused).toMatchObject({ isError: true, structuredContent: { error: { code: 'dispatch_not_possible' } } });
    expect(textOf(refused)).toContain('The lane loud holds keys (it is not key-less), but a key-less agent asked for it');

    const answer = await callTool(c, 'dispatch_brief', { ref: `#${weed.number}` });
    expect(answer.isError, textOf(answer)).toBeFalsy();
    const dispatch = (answer.structuredContent as { dispatch: { id: string; laneName: string; ceiling: unknown } }).dispatch;
    // What its key-less lane withheld from it (GARDEN_API_KEY, and whatever else the host's environment has that grove.yaml strips).
    expect(dispatch.ceiling).toEqual({ network: 'open', keyless: true, repoId: garden, withheld: expect.arrayContaining(['GARDEN_API_KEY']) });
    const env = await envOf(dispatch.id);
    expect(env.some((v) => v.startsWith('GARDEN_API_KEY='))).toBe(false);
    const lanes = ((await api(keyed, 'lanes.list', { repoId: garden })).body.result as { lanes: { name: string; keyless: boolean }[] }).lanes;
    expect(lanes.find((l) => l.name === dispatch.laneName)?.keyless).toBe(true);

    // The operator's dispatch into the keyed lane: its agent has the key, as that lane gives it.
    const water = await brief('Water the garden');
    const mine = await api(keyed, 'dispatch.create', { ref: `#${water.number}`, lane: 'loud' });
    expect(mine.body.ok, JSON.stringify(mine.body)).toBe(true);
    expect(await envOf((mine.body.result as { dispatch: { id: string } }).dispatch.id)).toContain('GARDEN_API_KEY=sk-garden-1234');

    // An orchestrator in that keyed lane, started without the key by the operator: an agent it
    // dispatches there goes without it too, though the lane would give it.
    const loud = ((await api(keyed, 'lanes.list', { repoId: garden })).body.result as { lanes: { name: string; path: string }[] }).lanes.find((l) => l.name === 'loud')!;
    const withoutKey = await startTokenAgent(keyed, 'loud-orchestrator', 'orchestrator', loud.path, { withholdEnv: ['GARDEN_API_KEY'] });
    const c2 = await mcpClient(keyed, withoutKey.token);
    clients.push(c2);
    const rake = await brief('Rake the leaves');
    const raked = await callTool(c2, 'dispatch_brief', { ref: `#${rake.number}`, lane: 'loud' });
    expect(raked.isError, textOf(raked)).toBeFalsy();
    const rakeDispatch = (raked.structuredContent as { dispatch: { id: string; ceiling: unknown } }).dispatch;
    expect(rakeDispatch.ceiling).toEqual({ network: 'open', keyless: false, repoId: garden, withheld: ['GARDEN_API_KEY'] });
    expect((await envOf(rakeDispatch.id)).some((v) => v.startsWith('GARDEN_API_KEY='))).toBe(false);
  });
});

describe('the operator', () => {
  it('writes as operator:mike through mcp', async () => {
    const c = await connect(host.token);
    const created = await callTool(c, 'create_brief', { title: 'Prune the roses' });
    const ref = (created.structuredContent!.brief as { ref: string }).ref;
    expect((await callTool(c, 'set_status', { ref, status: 'planned', reason: 'ready', expected_version: 2 })).isError).toBeFalsy();
    for (const e of await trace(ref)) {
      if (e.kind === 'participant_joined') continue;
      expect(e).toMatchObject({ actor: { kind: 'operator', name: 'operator:mike' }, channel: 'mcp' });
    }
  });
});

describe('a dispatched agent', () => {
  /** Dispatches a brief of a registered project to a shell that hands the test its token (the packet is its $0). */
  async function dispatchedAgent(title: string): Promise<{ ref: string; briefId: string; token: string }> {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'meadow'));
    // Each call registers another repository named meadow: the dispatch names this one by its id.
    const repoId = await addTrustedRepo(host, main);
    const brief = await createBrief(title, { projects: ['meadow'] });
    // It leaves its token in its lane (a confined agent writes nowhere else), found by its dispatch.
    const dispatched = await api(host, 'dispatch.create', {
      ref: `#${brief.number}`,
      repoId,
      preset: 'custom',
      command: 'sh',
      args: ['-c', `printf %s "$GROVE_AGENT_TOKEN" > .grove-token.tmp && mv .grove-token.tmp .grove-token && exec sleep 600`],
    });
    expect(dispatched.body.ok, JSON.stringify(dispatched.body.error)).toBe(true);
    const dispatchId = (dispatched.body.result as { dispatch: { id: string } }).dispatch.id;
    const lanePath = await until('the dispatched agent', async () => ((await api(host, 'agents.list', {})).body.result as { agents: { dispatchId: string | null; lanePath: string }[] }).agents.find((a) => a.dispatchId === dispatchId)?.lanePath);
    const file = join(lanePath, '.grove-token');
    await expect.poll(() => existsSync(file), { timeout: 20_000 }).toBe(true);
    return { ref: `#${brief.number}`, briefId: brief.id, token: readFileSync(file, 'utf8') };
  }

  it('claims its brief on its first recall without a ref; claim_brief then answers the same claim', async () => {
    const { ref, briefId, token } = await dispatchedAgent('Mow the meadow');
    const c = await connect(token);
    const recall = await callTool(c, 'recall_brief', {});
    expect(recall.isError, textOf(recall)).toBeFalsy();
    expect(recall.structuredContent).toMatchObject({ briefId, status: 'in_progress', claim: { briefId } });
    expect(textOf(recall)).toContain('You have claimed');
    const claimed = (await trace(ref)).filter((e) => e.kind === 'claimed');
    expect(claimed).toHaveLength(1);
    expect(claimed[0]).toMatchObject({ channel: 'mcp', actor: { kind: 'agent' } });
    // Recalling again claims nothing more; claim_brief answers the claim it holds.
    await callTool(c, 'recall_brief', {});
    const again = await callTool(c, 'claim_brief', { ref });
    expect(again.structuredContent).toMatchObject({ already: true });
    expect((await trace(ref)).filter((e) => e.kind === 'claimed')).toHaveLength(1);
  });

  it("refuses another agent's claim, naming the holder", async () => {
    const { ref, token } = await dispatchedAgent('Rake the leaves');
    await callTool(await connect(token), 'recall_brief', {});
    const other = await callTool(await connect(worker.token), 'claim_brief', { ref });
    expect(other.isError).toBe(true);
    const holder = (await api(host, 'dispatch.list', { ref })).body.result as { dispatches: { agentName: string }[] };
    expect(textOf(other)).toContain(`is dispatched to ${holder.dispatches[0]!.agentName} (running); only that agent claims it`);
    expect((await trace(ref)).filter((e) => e.kind === 'claimed')).toHaveLength(1);
  });
});

describe('bounded answers', () => {
  let big: { id: string; number: number };
  beforeAll(async () => {
    big = await createBrief('A brief with 5,000 entries', { spec: `# Long\n\n${'A spec line that goes on. '.repeat(7_500)}` });
    const long = 'x'.repeat(20_000);
    const entries = Array.from({ length: 5_000 }, (_, i) => ({
      id: randomUUID(),
      briefId: big.id,
      seq: 0,
      kind: 'note',
      actor: { kind: 'agent', name: 'lily-worker' },
      channel: 'mcp',
      at: new Date().toISOString(),
      hlc: `${String(Date.now()).padStart(13, '0')}-${String(i).padStart(4, '0')}-test`,
      payload: { text: i % 100 === 0 ? long : `note ${i}` },
      redacted: null,
    }));
    for (let i = 0; i < entries.length; i += 500) {
      const r = await api(host, 'briefs.import', { entries: entries.slice(i, i + 500) });
      if (!r.body.ok) throw new Error(JSON.stringify(r.body.error));
    }
    // Lines as long as a brief's can be: a 300-character title and 20 projects of 100 characters.
    const projects = ['garden', ...Array.from({ length: 19 }, (_, i) => `${'orchard-'.repeat(12)}${i}`.slice(-100))];
    for (let i = 0; i < 60; i++) await createBrief(`${'A long title for a brief that fills a list. '.repeat(7).slice(0, 290)} ${i}`, { projects });
  }, 120_000);

  it('keeps every answer under 8,000 tokens, and says what it left out', async () => {
    const c = await connect(worker.token);
    const ref = `#${big.number}`;
    const recall = await callTool(c, 'recall_brief', { ref });
    expect(recall.isError).toBeFalsy();
    expect(recall.structuredContent).toMatchObject({ entriesTotal: 5_002 });
    expect(textOf(recall)).toContain('grove brief show');
    const note = await callTool(c, 'add_note', { ref, text: 'y'.repeat(90_000) });
    expect(note.isError).toBeFalsy();
    expect(JSON.stringify(note.structuredContent)).toContain('more characters]');
    const plan = await callTool(c, 'propose_plan', { ref, spec_markdown: 'z'.repeat(199_000), summary: 'a very long plan' });
    expect(plan.isError).toBeFalsy();
    for (const answer of [recall, note, plan]) {
      const { text, structured } = sizesOf(answer);
      expect(text).toBeLessThanOrEqual(BOUND);
      expect(structured).toBeLessThanOrEqual(BOUND);
    }
  });

  it('shortens a page of long lines to fit, and the cursor goes on from the last one shown', async () => {
    const c = await connect(worker.token);
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    let shortPage = false;
    do {
      const page = await callTool(c, 'list_briefs', { project: 'garden', limit: 50, ...(cursor ? { cursor } : {}) });
      const { text, structured } = sizesOf(page);
      expect(text).toBeLessThanOrEqual(BOUND);
      expect(structured).toBeLessThanOrEqual(BOUND);
      // Whole lines only: nothing cut behind the cursor's back.
      expect(page.structuredContent!.truncated).toBeUndefined();
      const refs = (page.structuredContent!.briefs as { ref: string }[]).map((b) => b.ref);
      if (refs.length < 50 && page.structuredContent!.next_cursor) shortPage = true;
      for (const r of refs) {
        expect(seen.has(r)).toBe(false);
        seen.add(r);
      }
      cursor = (page.structuredContent!.next_cursor as string | null) ?? undefined;
      pages++;
    } while (cursor && pages < 10);
    expect(seen.size).toBe(60);
    expect(shortPage).toBe(true);
  });
});
