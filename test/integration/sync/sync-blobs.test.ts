import { tmpdir } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Brief, BriefAttachment } from '../../../src/shared/briefs';
import { makeRepo } from '../../fixtures/git-repo';
import { addTrustedRepo, repoRoot, stopAllHosts, type HostProcess } from '../../fixtures/host-process';
import { hasMariaDb, startMariaDb, stopAllMariaDbs, type MariaDb } from '../../fixtures/mariadb';
import { call, createBrief, startSyncedHost, syncAll, syncNow, syncSet } from '../../fixtures/sync-hosts';
import { makeTempDir, removeTempDirs } from '../../fixtures/temp-dir';
import { until } from '../../fixtures/wait-until';
import { letAgentsWrite } from '../../fixtures/agent-writable';
import { uuidv7 } from '../../../src/host/ids';
import { createLogger } from '../../../src/host/logger';
import { createBlobFetcher } from '../../../src/host/sync/blob-sync';
import { briefRig } from '../../fixtures/brief-service';

/**
 * Attachments' images through the shared store: host A attaches, syncs; host B lists the
 * attachment and its first GET fetches the image from MySQL, in chunks sized from the server's
 * packet limit. Each failure says which it is: the store down (then fetched once it is back), a
 * damaged chunk (refused, nothing kept), an image the attaching host no longer had.
 */
const images = new URL('../../fixtures/images/', import.meta.url).pathname;
const PNG = readFileSync(join(images, 'screenshot.png'));
const JPEG = readFileSync(join(images, 'photo.jpg'));
const GIF = readFileSync(join(images, 'dot.gif'));
const WEBP = readFileSync(join(images, 'frame.webp'));
/** A PNG of ~36 KB: with the server's packet limit at 32 KiB (8 KiB chunks), five chunks. */
const BIG = Buffer.concat([PNG, Buffer.alloc(24 * 1024, 0x5a)]);
const PACKET = 32 * 1024;
const WORKER = join(repoRoot, 'test', 'fixtures', 'agents', 'brief-worker.mjs');
const CHUNK = PACKET / 4;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let db: MariaDb;
let a: HostProcess;
let b: HostProcess;
let brief: Brief;

/** Root on the server's socket: the test plays the database's administrator. */
async function asAdmin<T>(work: (c: Awaited<ReturnType<typeof createConnection>>) => Promise<T>): Promise<T> {
  const c = await createConnection({ socketPath: join(dirname(db.datadir), 'mysqld.sock'), user: 'root', database: 'grove' });
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

async function attach(host: HostProcess, ref: string, name: string, bytes: Buffer): Promise<BriefAttachment> {
  const res = await fetch(`${host.url}/blobs?brief=${encodeURIComponent(ref)}&name=${encodeURIComponent(name)}`, { method: 'POST', body: bytes, headers: { authorization: `Bearer ${host.token}` } });
  const body = (await res.json()) as { ok: boolean; result: { attachment: BriefAttachment } };
  expect(body.ok).toBe(true);
  return body.result.attachment;
}

async function get(host: HostProcess, hash: string): Promise<{ status: number; bytes: Buffer; error?: { code: string; message: string } }> {
  const res = await fetch(`${host.url}/blobs/${hash}`, { headers: { authorization: `Bearer ${host.token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.ok) return { status: res.status, bytes };
  return { status: res.status, bytes, error: (JSON.parse(bytes.toString('utf8')) as { error: { code: string; message: string } }).error };
}

const blobFile = (host: HostProcess, hash: string) => join(host.home, 'blobs', hash.slice(0, 2), hash);
const fetchesLogged = (host: HostProcess, hash: string) => host.output().split('\n').filter((l) => l.includes('blob fetched from the shared store') && l.includes(hash)).length;

beforeAll(async () => {
  if (!hasMariaDb()) return;
  db = await startMariaDb();
  // A small packet limit, so an image takes several chunks (a session reads it when it connects).
  await asAdmin((c) => c.query(`SET GLOBAL max_allowed_packet = ${PACKET}`));
  a = await startSyncedHost(db);
  b = await startSyncedHost(db);
  for (const h of [a, b]) await syncSet(h, db);
  brief = await createBrief(a, 'screenshots');
  await syncAll([a, b]);
});

afterAll(async () => {
  await stopAllHosts();
  await stopAllMariaDbs();
  removeTempDirs();
});

describe.skipIf(!hasMariaDb())('sync: attachments\u2019 images', () => {
  it('A attaches an image larger than a chunk and syncs; B lists it, and its first GET fetches it: the same bytes', async () => {
    const attached = await attach(a, brief.id, 'big.png', BIG);
    expect(attached.sha256).toBe(sha(BIG));
    await syncAll([a, b]);

    const chunks = Math.ceil(BIG.length / CHUNK);
    expect(chunks).toBeGreaterThan(1);
    const [rows] = await asAdmin((c) => c.query('SELECT size, chunks, chunk_size, complete, lost FROM blobs WHERE sha256 = ?', [sha(BIG)]));
    expect(rows).toEqual([{ size: BIG.length, chunks, chunk_size: CHUNK, complete: 1, lost: 0 }]);
    const [stored] = await asAdmin((c) => c.query('SELECT n, LENGTH(data) AS len FROM blob_chunks WHERE sha256 = ? ORDER BY n', [sha(BIG)]));
    expect((stored as { len: number }[]).map((r) => Number(r.len))).toEqual(Array.from({ length: chunks }, (_, n) => Math.min(CHUNK, BIG.length - n * CHUNK)));

    const onB = await call<{ brief: Brief }>(b, 'briefs.get', { ref: brief.id });
    expect(onB.brief.attachments.map((x) => [x.name, x.sha256, x.size])).toEqual([['big.png', sha(BIG), BIG.length]]);
    // Lazy: B has only the entry until someone asks for the image.
    expect(existsSync(blobFile(b, sha(BIG)))).toBe(false);
    const got = await get(b, sha(BIG));
    expect(got.status).toBe(200);
    expect(got.bytes.equals(BIG)).toBe(true);
    expect(readFileSync(blobFile(b, sha(BIG))).equals(BIG)).toBe(true);
    expect(fetchesLogged(b, sha(BIG))).toBe(1);
    // Served from B's own store now: no second fetch.
    expect((await get(b, sha(BIG))).bytes.equals(BIG)).toBe(true);
    expect(fetchesLogged(b, sha(BIG))).toBe(1);
  });

  it('a replayed upload changes nothing: the same image attached again, and one whose upload was cut before `complete`', async () => {
    const chunksOf = async (hash: string) => (await asAdmin((c) => c.query('SELECT n, HEX(data) AS data FROM blob_chunks WHERE sha256 = ? ORDER BY n', [hash])))[0];
    const before = await chunksOf(sha(BIG));
    const second = await createBrief(a, 'the same screenshot again');
    await attach(a, second.id, 'again.png', BIG);
    await syncAll([a, b]);
    expect(await chunksOf(sha(BIG))).toEqual(before);

    // As if A had died after writing the chunks but before marking the blob whole: it writes them again, the same.
    await asAdmin((c) => c.query('UPDATE blobs SET complete = 0 WHERE sha256 = ?', [sha(BIG)]));
    await attach(a, second.id, 'once-more.png', BIG);
    await syncAll([a, b]);
    expect(await chunksOf(sha(BIG))).toEqual(before);
    const [rows] = await asAdmin((c) => c.query('SELECT complete FROM blobs WHERE sha256 = ?', [sha(BIG)]));
    expect(rows).toEqual([{ complete: 1 }]);
  });

  it('an attachment entry never reaches the shared store before its image: while its upload cannot finish, the entry waits', async () => {
    const image = Buffer.concat([WEBP, Buffer.from('held back')]);
    // The administrator holds the blobs table: A's upload of the image cannot get through.
    const admin = await createConnection({ socketPath: join(dirname(db.datadir), 'mysqld.sock'), user: 'root', database: 'grove' });
    try {
      await admin.query('LOCK TABLES blobs WRITE');
      const attached = await attach(a, brief.id, 'held.webp', image);
      expect((await syncNow(a)).state).toBe('offline');
      const [entries] = await asAdmin((c) => c.query('SELECT id FROM entries WHERE id = ?', [attached.entryId]));
      expect(entries).toEqual([]);
      await admin.query('UNLOCK TABLES');
      for (const h of [a, b]) await until('sync back after the lock', async () => (await syncNow(h)).state === 'idle');
      const [now] = await admin.query('SELECT e.id, b.complete FROM entries e JOIN blobs b ON b.sha256 = ? WHERE e.id = ?', [sha(image), attached.entryId]);
      expect(now).toEqual([{ id: attached.entryId, complete: 1 }]);
    } finally {
      await admin.end();
    }
    expect((await get(b, sha(image))).bytes.equals(image)).toBe(true);
  });

  it("a redacted attachment's image leaves the shared store once no attachment there names it (the same image attached twice stays until both are redacted)", async () => {
    const image = Buffer.concat([GIF, Buffer.from('a customer record')]);
    const first = await attach(a, brief.id, 'record.gif', image);
    const second = await attach(a, brief.id, 'record-again.gif', image);
    await syncAll([a, b]);
    const stored = async () => {
      const [blobs] = await asAdmin((c) => c.query('SELECT complete FROM blobs WHERE sha256 = ?', [sha(image)]));
      const [chunks] = await asAdmin((c) => c.query('SELECT n FROM blob_chunks WHERE sha256 = ?', [sha(image)]));
      return { blobs: (blobs as unknown[]).length, chunks: (chunks as unknown[]).length };
    };
    expect(await stored()).toEqual({ blobs: 1, chunks: 1 });

    await call(a, 'briefs.redact', { ref: brief.id, entryId: first.entryId, reason: 'a customer record' });
    await syncAll([a, b]);
    expect(await stored()).toEqual({ blobs: 1, chunks: 1 }); // the second attachment still names it
    expect((await get(b, sha(image))).bytes.equals(image)).toBe(true);

    // Redacted on B, which has the entries only through the shared store: the last name goes, and the image with it.
    await call(b, 'briefs.redact', { ref: brief.id, entryId: second.entryId, reason: 'a customer record' });
    await syncAll([a, b]);
    expect(await stored()).toEqual({ blobs: 0, chunks: 0 });
    const [left] = await asAdmin((c) => c.query('SELECT payload FROM entries WHERE payload LIKE ?', [`%${sha(image)}%`]));
    expect(left).toEqual([]);
    // Neither host keeps it either.
    expect(existsSync(blobFile(a, sha(image)))).toBe(false);
    expect(existsSync(blobFile(b, sha(image)))).toBe(false);
  });

  it('an image whose last attachment is redacted while it is fetched is not kept: the fetch says so', async () => {
    const image = Buffer.concat([GIF, Buffer.from('redacted while it came')]);
    await attach(a, brief.id, 'fleeting.gif', image);
    await syncAll([a, b]);
    // The host's own fetcher on a store of its own; whether an attachment names the image is
    // read once the bytes are here: named, then no longer (redacted meanwhile, here or pulled).
    const rig = briefRig();
    try {
      for (const [named, kind] of [[false, 'redacted'], [true, 'fetched']] as const) {
        const fetcher = createBlobFetcher({
          config: () => ({ url: db.url, tls: 'off' }),
          env: { GROVE_SYNC_PASSWORD: db.password },
          dataDir: rig.dir,
          timeoutMs: 5000,
          blobs: rig.blobs,
          named: () => named,
          logger: createLogger(() => undefined),
        });
        expect(await fetcher.fetch(sha(image))).toEqual({ kind });
        expect(rig.blobs.describe(sha(image)) !== null).toBe(named);
        expect(existsSync(rig.blobs.path(sha(image)))).toBe(named);
      }
    } finally {
      rig.close();
    }
  });

  it('concurrent GETs of one image on B share one fetch', async () => {
    await attach(a, brief.id, 'photo.jpg', JPEG);
    await syncAll([a, b]);
    const answers = await Promise.all(Array.from({ length: 6 }, () => get(b, sha(JPEG))));
    for (const r of answers) {
      expect(r.status).toBe(200);
      expect(r.bytes.equals(JPEG)).toBe(true);
    }
    expect(fetchesLogged(b, sha(JPEG))).toBe(1);
  });

  it('a damaged chunk in MySQL is refused with a clear error, nothing is stored on B, and A, which has the image, uploads it again', async () => {
    await attach(a, brief.id, 'frame.webp', WEBP);
    await syncAll([a, b]);
    // A is closed until asked to answer: its own round, a second away, would upload the image
    // again before the shared store is looked at below.
    await a.stop();
    await asAdmin((c) => c.query("UPDATE blob_chunks SET data = CONCAT('x', data) WHERE sha256 = ? AND n = 0", [sha(WEBP)]));
    const got = await get(b, sha(WEBP));
    expect(got.status).toBe(502);
    expect(got.error?.code).toBe('blob_corrupt');
    expect(got.error?.message).toMatch(/shared store's copy of frame\.webp was damaged .*nothing was stored here\. That copy was removed from the shared store, and the hosts that have the image were asked to upload it again/);
    expect(existsSync(blobFile(b, sha(WEBP)))).toBe(false);
    expect(readdirSync(join(b.home, 'blobs', 'tmp'))).toEqual([]);
    // The damaged copy no longer passes for whole.
    const [left] = await asAdmin((c) => c.query('SELECT (SELECT COUNT(*) FROM blobs WHERE sha256 = ?) + (SELECT COUNT(*) FROM blob_chunks WHERE sha256 = ?) AS n', [sha(WEBP), sha(WEBP)]));
    expect(Number((left as { n: number }[])[0]!.n)).toBe(0);

    // A, opened again, sees the ask and uploads its copy; B's next GET fetches it.
    a = await startSyncedHost(db, { home: a.home });
    await syncAll([a, b]);
    const again = await get(b, sha(WEBP));
    expect(again.status).toBe(200);
    expect(again.bytes.equals(WEBP)).toBe(true);
    expect(a.output()).toContain('images wanted on the shared store uploaded again');
  });

  it('a copy whose first bytes were overwritten (the same size, no longer an image by its head) is damage, not a type this Grove refuses: removed and asked for again', async () => {
    // Bytes of its own (B has fetched the plain WEBP already), past the head a type is told by.
    const image = Buffer.concat([WEBP, Buffer.alloc(8192, 'a frame of its own')]);
    await attach(a, brief.id, 'frame-2.webp', image);
    await syncAll([a, b]);
    await a.stop();
    try {
      await asAdmin((c) => c.query("UPDATE blob_chunks SET data = CONCAT('xxxx', SUBSTRING(data, 5)) WHERE sha256 = ? AND n = 0", [sha(image)]));
      const got = await get(b, sha(image));
      expect(got.error?.code, JSON.stringify(got.error)).toBe('blob_corrupt');
      expect(existsSync(blobFile(b, sha(image)))).toBe(false);
      const [left] = await asAdmin((c) => c.query('SELECT COUNT(*) AS n FROM blobs WHERE sha256 = ?', [sha(image)]));
      expect(Number((left as { n: number }[])[0]!.n)).toBe(0);
    } finally {
      a = await startSyncedHost(db, { home: a.home });
    }
  });

  it('a store a newer Grove migrated is not read for an image, let alone repaired: the GET names the versions, and the image comes once the store is this Grove\'s again', async () => {
    const image = Buffer.concat([PNG, Buffer.from('fetched from a newer store')]);
    await attach(a, brief.id, 'newer.png', image);
    await syncAll([a, b]);
    const [rows] = await asAdmin((c) => c.query('SELECT version FROM grove_schema WHERE id = 1') as unknown as Promise<[{ version: number }[]]>);
    const version = Number(rows[0]!.version);
    await asAdmin((c) => c.query('UPDATE grove_schema SET version = ? WHERE id = 1', [version + 1]));
    try {
      const got = await get(b, sha(image));
      expect(got.error, JSON.stringify(got.error)).toMatchObject({ code: 'blob_unavailable' });
      expect(got.error!.message).toBe(`newer.png is not on this host yet, and this Grove does not read the shared store: the shared store's schema is at version ${version + 1}, newer than this Grove understands (${version}): upgrade Grove on this machine to fetch it.`);
      expect(existsSync(blobFile(b, sha(image)))).toBe(false);
    } finally {
      await asAdmin((c) => c.query('UPDATE grove_schema SET version = ? WHERE id = 1', [version]));
    }
    const again = await get(b, sha(image));
    expect(again.status).toBe(200);
    expect(again.bytes.equals(image)).toBe(true);
  });

  it('an image that is whole on the shared store but not one this Grove takes (a newer Grove attached it) is refused as such and left there', async () => {
    // A Grove that took SVG attached this one: its entry and its whole copy are on the store.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
    const attached = await attach(a, brief.id, 'template.png', Buffer.concat([PNG, Buffer.from('a template')]));
    await syncAll([a, b]);
    await asAdmin(async (c) => {
      const [[counter]] = (await c.query("SELECT value FROM counters WHERE name = 'entry_seq'")) as unknown as [{ value: number }[]];
      const seq = Number(counter!.value) + 1;
      const payload = JSON.stringify({ attachmentId: uuidv7(), sha256: sha(svg), name: 'diagram.svg', type: 'image/png', size: svg.length });
      await c.query(
        "INSERT INTO entries (seq, id, brief_id, kind, actor_kind, actor_name, channel, at, hlc, payload, redacted, origin) SELECT ?, ?, brief_id, kind, actor_kind, actor_name, channel, at, hlc, ?, NULL, 'newer-grove' FROM entries WHERE kind = 'attachment_added' AND payload LIKE ?",
        [seq, uuidv7(), payload, `%${attached.sha256}%`],
      );
      await c.query("UPDATE counters SET value = ? WHERE name = 'entry_seq'", [seq]);
      await c.query('INSERT INTO blobs (sha256, size, type, chunks, chunk_size, complete, lost) VALUES (?, ?, ?, 1, ?, 1, 0)', [sha(svg), svg.length, 'image/png', CHUNK]);
      await c.query('INSERT INTO blob_chunks (sha256, n, data) VALUES (?, 0, ?)', [sha(svg), svg]);
    });
    await syncAll([a, b]);
    const got = await get(b, sha(svg));
    expect(got.status).toBe(502);
    expect(got.error?.code).toBe('blob_not_accepted');
    expect(got.error?.message).toMatch(/copy of diagram\.svg is whole, but this Grove does not take it \(its bytes are not a PNG, JPEG, GIF or WebP image\); nothing was stored here/);
    expect(existsSync(blobFile(b, sha(svg)))).toBe(false);
    // Not taken for damage: the copy stays for the Groves that take it.
    const [left] = await asAdmin((c) => c.query('SELECT complete FROM blobs WHERE sha256 = ?', [sha(svg)]));
    expect(left).toEqual([{ complete: 1 }]);
  });

  it('an image whose entry reached the shared store without it (pushed by a Grove from before images were synced) is uploaded by the host that has it once another asks', async () => {
    const image = Buffer.concat([PNG, Buffer.from('pushed by an older Grove')]);
    await attach(a, brief.id, 'older.png', image);
    await syncAll([a, b]);
    await asAdmin(async (c) => {
      await c.query('DELETE FROM blobs WHERE sha256 = ?', [sha(image)]);
      await c.query('DELETE FROM blob_chunks WHERE sha256 = ?', [sha(image)]);
    });
    const missing = await get(b, sha(image));
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('blob_not_uploaded');
    expect(missing.error?.message).toMatch(/older\.png is not on the shared store.*The hosts that have it were asked to upload it: retry in a few seconds/);
    await syncAll([a, b]);
    const got = await get(b, sha(image));
    expect(got.status).toBe(200);
    expect(got.bytes.equals(image)).toBe(true);
  });

  it('an image A no longer had when it pushed the entry: the entry still goes, and B says the image is not available anywhere', async () => {
    // Attached, then its file lost on A (a disk mishap) before A synced. The write wakes A's
    // sync at once: the server held still meanwhile, the round reads the file after it is gone.
    db.pause();
    try {
      await attach(a, brief.id, 'dot.gif', GIF);
      rmSync(blobFile(a, sha(GIF)));
    } finally {
      db.resume();
    }
    await syncAll([a, b]);
    const onB = await call<{ brief: Brief }>(b, 'briefs.get', { ref: brief.id });
    expect(onB.brief.attachments.some((x) => x.sha256 === sha(GIF))).toBe(true);
    const got = await get(b, sha(GIF));
    expect(got.status).toBe(410);
    expect(got.error?.code).toBe('blob_lost');
    expect(got.error?.message).toMatch(/dot\.gif is not available anywhere/);
  });

  it('an image attached while the store is down waits with its entry, survives a restart of its host (the start-up sweep keeps it), then reaches B', async () => {
    await db.stop();
    const later = Buffer.concat([GIF, Buffer.from('a second frame')]);
    await attach(a, brief.id, 'offline.gif', later);
    await a.stop();
    a = await startSyncedHost(db, { home: a.home });
    expect(readFileSync(blobFile(a, sha(later))).equals(later)).toBe(true);
    await db.restart();
    // A round on a connection the restart broke fails once; the next one reconnects.
    for (const h of [a, b]) await until('sync back after the restart', async () => (await syncNow(h)).state === 'idle');
    await syncAll([a, b]);
    const got = await get(b, sha(later));
    expect(got.status).toBe(200);
    expect(got.bytes.equals(later)).toBe(true);
  });

  it('an image not on the shared store whole says so (not uploaded), and a hung store answers within the step timeout; both are fetched once things are right', async () => {
    const image = Buffer.concat([JPEG, Buffer.from('another photo')]);
    await attach(a, brief.id, 'another.jpg', image);
    await syncAll([a, b]);
    await asAdmin((c) => c.query('UPDATE blobs SET complete = 0 WHERE sha256 = ?', [sha(image)]));
    const missing = await get(b, sha(image));
    expect(missing.status).toBe(404);
    expect(missing.error?.code).toBe('blob_not_uploaded');
    expect(missing.error?.message).toMatch(/another\.jpg is not on the shared store: the host that attached it has not uploaded it/);
    await asAdmin((c) => c.query('UPDATE blobs SET complete = 1 WHERE sha256 = ?', [sha(image)]));

    db.pause();
    try {
      const started = Date.now();
      const hung = await get(b, sha(image));
      expect(Date.now() - started).toBeLessThan(4000);
      expect(hung.status).toBe(503);
      expect(hung.error?.message).toMatch(/cannot be reached to fetch it \(it did not answer within 2 s\)/);
    } finally {
      db.resume();
    }
    expect((await get(b, sha(image))).bytes.equals(image)).toBe(true);
  });

  it('a dispatch on B copies into its lane an image attached on A, fetched from the shared store', async () => {
    const main = makeRepo(join(realpathSync(makeTempDir()), 'flower'));
    // The worker reports into a temp dir of the test's; agents run confined.
    await letAgentsWrite(main, realpathSync(tmpdir()));
    const repoId = await addTrustedRepo(b, main);
    expect(repoId).toBeTruthy();
    const { brief: work } = await call<{ brief: Brief }>(a, 'briefs.create', { title: 'Fix the header', projects: ['flower'], spec: 'Make it look like the screenshot.' });
    const shot = Buffer.concat([PNG, Buffer.from('the header, as it should be')]);
    await attach(a, work.id, 'header.png', shot);
    await syncAll([a, b]);
    expect(existsSync(blobFile(b, sha(shot)))).toBe(false);

    const out = makeTempDir();
    await call(b, 'dispatch.create', { ref: work.id, preset: 'custom', command: process.execPath, args: [WORKER, '--out', out] });
    const started = await until('the dispatched worker on B', async () => {
      const files = readdirSync(out).filter((f) => f.endsWith('.json'));
      return files.length ? (JSON.parse(readFileSync(join(out, files[0]!), 'utf8')) as { cwd: string; argv: string[] }) : null;
    });
    const number = (await call<{ brief: Brief }>(b, 'briefs.get', { ref: work.id })).brief.number;
    expect(readFileSync(join(started.cwd, '.grove', 'briefs', String(number), 'header.png')).equals(shot)).toBe(true);
    expect(started.argv.at(-1)).toContain(`.grove/briefs/${number}/header.png`);
    expect(fetchesLogged(b, sha(shot))).toBe(1);
  });

  it('the shared store down on B\u2019s GET: a clear error, then the image once it is back', async () => {
    await attach(a, brief.id, 'screenshot.png', PNG);
    await syncAll([a, b]);
    await db.stop();
    const down = await get(b, sha(PNG));
    expect(down.status).toBe(503);
    expect(down.error?.code).toBe('blob_unreachable');
    expect(down.error?.message).toMatch(/screenshot\.png is not on this host yet, and the shared store cannot be reached to fetch it .*Retry once it is back/);
    expect(down.error?.message).not.toContain(db.password);
    expect(existsSync(blobFile(b, sha(PNG)))).toBe(false);

    await db.restart();
    const back = await get(b, sha(PNG));
    expect(back.status).toBe(200);
    expect(back.bytes.equals(PNG)).toBe(true);
  });
});
