import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { makeTempDir, removeTempDirs } from '../fixtures/temp-dir';
import { project } from '../../src/host/briefs/projection';
import type { Brief, BriefAction, BriefEntry } from '../../src/shared/briefs';

afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/**
 * `kill -9` of a real host while clients append to briefs, 20 times on one data dir. An entry
 * is acknowledged when its 200 arrived; after each restart every acknowledged entry is there
 * with its content, and every brief's stored state equals the fold of its trace as read back.
 * Per round: one client writes a mix of actions to its own brief, one after another, while
 * three others append notes to one shared brief at once and one more uploads screenshots to
 * the first brief (POST /blobs); the host dies at a random moment. After each restart, no
 * attachment lacks its blob, and no blob or temp file that no attachment names is left.
 */
const ROUNDS = 20;
const PER_ROUND = 1000;
const CONCURRENT = 3;

type Acked = { id: string; briefId: string; kind: string; text: string | null };
type Ok<T> = { ok: true; result: T };

/** A small deterministic generator: a failure names its seed, and the seed replays it. */
const seed = Number(process.env.GROVE_KILL9_SEED ?? Date.now() % 1_000_000);
let state = seed;
const random = (): number => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

/** Every entry of a brief, oldest first, read through the API a page of 500 at a time. */
async function readAll(host: HostProcess, ref: string): Promise<{ brief: Brief; trace: BriefEntry[] }> {
  const newestFirst: BriefEntry[] = [];
  let before: number | undefined;
  let brief: Brief | undefined;
  for (;;) {
    const r = await api(host, 'briefs.get', { ref, limit: 500, ...(before === undefined ? {} : { before }) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const page = (r.body as Ok<{ brief: Brief; trace: BriefEntry[]; hasOlder: boolean }>).result;
    brief ??= page.brief;
    newestFirst.push(...page.trace);
    if (!page.hasOlder) break;
    before = page.trace[page.trace.length - 1]!.seq;
  }
  return { brief: brief!, trace: newestFirst.reverse() };
}

/** The sequential client's i-th action: mostly notes, and the kinds that change the projection. */
function mixedAction(i: number): BriefAction {
  if (i % 10 === 3) return { kind: 'refinement', spec: `spec as of step ${i}` };
  if (i % 25 === 7) return { kind: 'link_added', type: 'url', target: `https://example.test/${i}`, label: `step ${i}` };
  if (i % 40 === 11) return { kind: 'status_change', to: (['planned', 'in_progress', 'in_review'] as const)[(i / 40) % 3 | 0]! };
  if (i % 50 === 13) return { kind: 'participant_joined', name: `worker-${i}`, participantKind: 'agent', wave: i };
  return { kind: 'note', text: `sequential note ${i}` };
}

async function appendAcked(host: HostProcess, ref: string, action: BriefAction, acked: Acked[]): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(`${host.url}/api/briefs.append`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref, action }),
    });
  } catch {
    return false; // the host died with this request in flight: not acknowledged
  }
  const body = (await res.json().catch(() => null)) as Ok<{ entries: BriefEntry[] }> | { ok: false; error: { code: string } } | null;
  if (res.status !== 200 || !body?.ok) {
    // A refinement to the spec it already has is refused; anything else is a failure.
    if (body && !body.ok && body.error.code === 'brief_change_invalid') return true;
    throw new Error(`briefs.append answered ${res.status}: ${JSON.stringify(body)}`);
  }
  for (const e of body.result.entries) {
    acked.push({ id: e.id, briefId: e.briefId, kind: e.kind, text: e.kind === 'note' && e.payload ? e.payload.text : null });
  }
  return true;
}

/** A PNG as the sniffer sees one: a real one, then `size` bytes of noise (a screenshot's weight, each one different). */
const PNG_HEAD = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const png = (size: number): Buffer => Buffer.concat([PNG_HEAD, randomBytes(size)]);

async function uploadAcked(host: HostProcess, ref: string, name: string, bytes: Buffer, acked: Acked[]): Promise<boolean> {
  let res: Response;
  let body: Ok<{ entries: BriefEntry[] }> | { ok: false } | null;
  try {
    res = await fetch(`${host.url}/blobs?brief=${encodeURIComponent(ref)}&name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    body = (await res.json()) as typeof body;
  } catch {
    return false; // cut off mid-upload or mid-answer: not acknowledged
  }
  if (res.status !== 200 || !body?.ok) throw new Error(`POST /blobs answered ${res.status}: ${JSON.stringify(body)}`);
  for (const e of body.result.entries) acked.push({ id: e.id, briefId: e.briefId, kind: e.kind, text: null });
  return true;
}

/** Every attachment of every brief has its blob, whole; every stored blob is named by one; no temp file is left. */
async function checkBlobs(host: HostProcess, round: number): Promise<number> {
  const listed = await api(host, 'briefs.list', { limit: 500 });
  const named = new Map<string, number>();
  for (const summary of (listed.body as Ok<{ briefs: Brief[] }>).result.briefs) {
    const got = await api(host, 'briefs.get', { ref: summary.id, limit: 1 });
    for (const a of (got.body as Ok<{ brief: Brief }>).result.brief.attachments) named.set(a.sha256, a.size);
  }
  const dir = join(host.home, 'blobs');
  for (const [sha, size] of named) {
    const file = join(dir, sha.slice(0, 2), sha);
    expect(existsSync(file), `round ${round} (seed ${seed}): an attachment names ${sha}, whose blob is gone`).toBe(true);
    expect(statSync(file).size).toBe(size);
  }
  const stored = readdirSync(dir).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => readdirSync(join(dir, d)));
  expect(stored.filter((sha) => !named.has(sha)), `round ${round} (seed ${seed}): blobs no attachment names`).toEqual([]);
  expect(existsSync(join(dir, 'tmp')) ? readdirSync(join(dir, 'tmp')) : [], `round ${round}: temp files`).toEqual([]);
  return named.size;
}

async function create(host: HostProcess, title: string): Promise<{ id: string; ref: string }> {
  const r = await api(host, 'briefs.create', { title, kind: 'chore' });
  expect(r.status).toBe(200);
  const brief = (r.body as Ok<{ brief: Brief }>).result.brief;
  return { id: brief.id, ref: brief.id };
}

async function checkAll(host: HostProcess, briefIds: string[], acked: Acked[], round: number): Promise<void> {
  const byBrief = new Map<string, Map<string, BriefEntry>>();
  for (const id of briefIds) {
    const { brief, trace } = await readAll(host, id);
    // The stored projection is the fold of the trace, as read after the crash.
    expect(project(trace), `round ${round} (seed ${seed}): #${brief.number}'s state is not the fold of its trace`).toEqual(brief);
    expect(brief.version).toBe(trace.length);
    byBrief.set(id, new Map(trace.map((e) => [e.id, e])));
  }
  for (const a of acked) {
    const entry = byBrief.get(a.briefId)?.get(a.id);
    expect(entry, `round ${round} (seed ${seed}): acknowledged ${a.kind} entry ${a.id} is gone`).toBeDefined();
    expect(entry!.kind).toBe(a.kind);
    if (a.text !== null) expect(entry!.payload).toEqual({ text: a.text });
  }
}

describe('briefs survive kill -9', () => {
  it(`keeps every acknowledged entry and upload, a consistent projection and no stray blob across ${ROUNDS} crashes during writes`, async () => {
    const home = makeTempDir('grove-kill9-');
    const acked: Acked[] = [];
    const briefIds: string[] = [];
    const kills: { afterMs: number; acked: number }[] = [];
    let host = await startHostProcess({ home });
    let attachments = 0;
    for (let round = 1; round <= ROUNDS; round++) {
      const solo = await create(host, `round ${round}: one writer`);
      const shared = await create(host, `round ${round}: ${CONCURRENT} writers`);
      briefIds.push(solo.id, shared.id);
      const before = acked.length;
      const sequentialCount = PER_ROUND / 2;
      const perConcurrent = Math.ceil(PER_ROUND / 2 / CONCURRENT);
      const writers = [
        (async () => {
          for (let i = 0; i < sequentialCount; i++) if (!(await appendAcked(host, solo.ref, mixedAction(i), acked))) return;
        })(),
        (async () => {
          // Screenshots to the first brief; now and then the same bytes again (stored once).
          let bytes = png(64 * 1024);
          for (let i = 0; i < 200; i++) {
            if (i % 4 !== 3) bytes = png(64 * 1024 + Math.floor(random() * 192 * 1024));
            if (!(await uploadAcked(host, solo.ref, `screen-${round}-${i}.png`, bytes, acked))) return;
          }
        })(),
        ...Array.from({ length: CONCURRENT }, (_, c) =>
          (async () => {
            for (let i = 0; i < perConcurrent; i++) {
              if (!(await appendAcked(host, shared.ref, { kind: 'note', text: `round ${round}, writer ${c}, note ${i}` }, acked))) return;
            }
          })(),
        ),
      ];
      // Somewhere from before the first write lands to well into the round.
      const afterMs = Math.floor(random() * 700);
      await new Promise((r) => setTimeout(r, afterMs));
      await host.kill9();
      await Promise.all(writers);
      kills.push({ afterMs, acked: acked.length - before });
      host = await startHostProcess({ home });
      await checkAll(host, briefIds.slice(-2), acked.slice(before), round);
      attachments = await checkBlobs(host, round);
    }
    // Everything acknowledged in any round is still there after all of them.
    await checkAll(host, briefIds, acked, ROUNDS);
    // The kills landed while writes were going on, not only before or after them.
    expect(kills.filter((k) => k.acked > 0 && k.acked < PER_ROUND).length, JSON.stringify(kills)).toBeGreaterThanOrEqual(ROUNDS / 2);
    expect(attachments, 'uploads were acknowledged along the way').toBeGreaterThan(0);
    await host.stop();
  }, 180_000);
});
