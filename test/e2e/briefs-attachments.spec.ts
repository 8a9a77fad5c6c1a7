import { expect, test, type Page, type Route } from '@playwright/test';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { contentSecurityPolicy } from '../../src/host/api/static-files';
import type { Brief } from '../../src/shared/briefs';
import { api, repoRoot, startHostProcess, stopAllHosts, type HostProcess } from '../fixtures/host-process';
import { removeTempDirs } from '../fixtures/temp-dir';
import { expectAccessible } from './axe';
import { shoot } from './screenshots';

/**
 * Screenshots dropped, pasted and picked onto a brief in a real Chromium, uploaded to a real
 * host. The brief's page is being built beside this work, so the components are mounted on a
 * page of the host's own origin (its session cookie, its CSP) as the brief page places them:
 * a drop zone around the trace composer, whose uploads show as thumbnails, and one around the
 * spec editor, which inserts `![name](/blobs/<sha256>)` at the cursor. Everything the page
 * does goes to the real host: /auth for the cookie, POST /blobs, GET /blobs/<sha256>.
 */
const images = join(repoRoot, 'test', 'fixtures', 'images');
const PNG = readFileSync(join(images, 'screenshot.png'));
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const HARNESS = `
import { createRoot } from 'react-dom/client';
import { useRef, useState } from 'react';
import { AttachmentDropZone } from './src/renderer/briefs/attachments/attachment-drop-zone';
import { AttachmentImage } from './src/renderer/briefs/attachments/attachment-image';
import { attachmentMarkdown } from './src/renderer/briefs/attachments/upload-attachment';
import './src/renderer/theme/tokens.css';

function Page() {
  const [shots, setShots] = useState([]);
  const [spec, setSpec] = useState('## Served lane\\n\\nBefore: ');
  const editor = useRef(null);
  const insert = (a) => {
    const el = editor.current;
    const md = attachmentMarkdown(a);
    setSpec((s) => s.slice(0, el.selectionStart) + md + s.slice(el.selectionEnd));
  };
  return (
    <main style={{ maxWidth: 760, margin: '0 auto', padding: 16, display: 'grid', gap: 24 }}>
      <h1 style={{ fontSize: 16, margin: 0 }}>#1 Screenshots of the served lane</h1>
      <section aria-label="Trace">
        <h2 style={{ fontSize: 13 }}>Trace</h2>
        <AttachmentDropZone briefRef="#1" label="…or paste a screenshot" onUploaded={(a) => setShots((s) => [a, ...s])}>
          <textarea aria-label="Add a note" data-testid="composer" rows={3} style={{ width: '100%' }} placeholder="Add a note" />
        </AttachmentDropZone>
        <ol data-testid="trace" style={{ listStyle: 'none', padding: 0 }}>
          {shots.map((a) => <li key={a.id}><AttachmentImage attachment={a} /></li>)}
        </ol>
      </section>
      <section aria-label="Spec">
        <h2 style={{ fontSize: 13 }}>Spec</h2>
        <AttachmentDropZone briefRef="#1" label="…or paste a screenshot" onUploaded={insert}>
          <textarea ref={editor} aria-label="Spec (markdown)" data-testid="spec" rows={5} style={{ width: '100%' }} value={spec} onChange={(e) => setSpec(e.target.value)} />
        </AttachmentDropZone>
      </section>
    </main>
  );
}
createRoot(document.getElementById('root')).render(<Page />);

// What a person's drag and paste deliver, built here from bytes the test sends: real DataTransfer
// objects with real Files, dispatched as the browser dispatches them.
const fileOf = (f) => new File([new Uint8Array(f.bytes)], f.name, { type: f.type });
const target = (testId) => document.querySelector('[data-testid="' + testId + '"]');
window.__attachments = {
  drag(testId, files, phase) {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(fileOf(f));
    const fire = (type) => target(testId).dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    for (const type of phase === 'enter' ? ['dragenter', 'dragover'] : ['dragover', 'drop']) fire(type);
  },
  paste(testId, files, text) {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(fileOf(f));
    if (text) dt.setData('text/plain', text);
    return target(testId).dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  },
};
`;

type Bytes = { name: string; type: string; bytes: number[] };
type Helpers = { __attachments: { drag(testId: string, files: Bytes[], phase: 'enter' | 'drop'): void; paste(testId: string, files: Bytes[], text?: string): boolean } };

let host: HostProcess;
let bundle: { js: string; css: string };

test.beforeAll(async () => {
  host = await startHostProcess({ env: { GROVE_OPERATOR_NAME: 'mike' } });
  await api(host, 'briefs.create', { title: 'Screenshots of the served lane', projects: ['flower'] });
  const out = await build({
    stdin: { contents: HARNESS, loader: 'tsx', resolveDir: repoRoot, sourcefile: 'attachments-harness.tsx' },
    bundle: true,
    write: false,
    outdir: 'harness',
    jsx: 'automatic',
    format: 'esm',
    loader: { '.woff2': 'empty', '.woff': 'empty' },
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const pick = (ext: string) => out.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
  bundle = { js: pick('.js'), css: pick('.css') };
});
test.afterAll(async () => {
  await stopAllHosts();
  removeTempDirs();
});

/** The harness page at the host's origin, under the host's own page CSP; its requests to /blobs go to the host. */
async function openHarness(page: Page, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  const origin = new URL(host.url).host;
  await page.route(`${host.url}/__attachments/**`, (route: Route) => {
    const path = new URL(route.request().url()).pathname;
    const [body, type] = path.endsWith('.js')
      ? [bundle.js, 'text/javascript']
      : path.endsWith('.css')
        ? [bundle.css, 'text/css']
        : [
            '<!doctype html><html lang="en"><meta charset="utf-8"><title>Attachments</title><link rel="stylesheet" href="/__attachments/h.css"><div id="root"></div><script type="module" src="/__attachments/h.js"></script></html>',
            'text/html',
          ];
    return route.fulfill({ status: 200, body, headers: { 'content-type': type, 'content-security-policy': contentSecurityPolicy(origin) } });
  });
  // The session cookie, as `grove open`'s link gives it.
  await page.goto(`${host.url}/auth?token=${host.token}`);
  await page.goto(`${host.url}/__attachments/`);
  await expect(page.getByTestId('composer')).toBeVisible();
}

/** Holds every upload until `release()`, so "uploading…" can be seen; the request then goes on to the host untouched. */
async function holdUploads(page: Page): Promise<{ release: () => void }> {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  await page.route(`${host.url}/blobs?**`, async (route) => {
    await gate;
    await route.continue();
  });
  return { release };
}

/** Files built in the page from bytes, dispatched as a real drag (dragenter + dragover, or dragover + drop) onto the element. */
async function drag(page: Page, testId: string, files: Bytes[], phase: 'enter' | 'drop'): Promise<void> {
  await page.evaluate(([id, f, p]) => (globalThis as unknown as Helpers).__attachments.drag(id, f, p), [testId, files, phase] as const);
}

/** Pastes FILES (and TEXT) onto the element; resolves false when the page took the paste over (preventDefault). */
async function paste(page: Page, testId: string, files: Bytes[], text?: string): Promise<boolean> {
  return page.evaluate(([id, f, t]) => (globalThis as unknown as Helpers).__attachments.paste(id, f, t), [testId, files, text] as const);
}

async function briefOne(): Promise<Brief> {
  return ((await api(host, 'briefs.get', { ref: '#1' })).body.result as { brief: Brief }).brief;
}

test('a PNG dropped on the trace uploads ("uploading…"), is served back byte-identical, and opens in a lightbox', async ({ page }) => {
  await openHarness(page, 1440);
  const png = { name: 'served lane.png', type: 'image/png', bytes: [...PNG] };

  await drag(page, 'composer', [png], 'enter');
  const zone = page.getByTestId('attachment-drop-zone').first();
  await expect(zone).toHaveAttribute('data-dragging', 'true');
  await expect(zone).toContainText('Drop to attach to #1');
  await shoot(page, 'briefs-attachments-dragover');

  const held = await holdUploads(page);
  await drag(page, 'composer', [png], 'drop');
  await expect(zone).not.toHaveAttribute('data-dragging', 'true');
  await expect(page.getByTestId('attachment-uploading')).toHaveText(/uploading… served lane\.png/);
  await shoot(page, 'briefs-attachments-uploading');
  held.release();
  await expect(page.getByTestId('attachment-uploading')).toHaveCount(0);

  // The host recorded it as from the UI, by the operator (the session cookie authenticated it).
  const brief = await briefOne();
  expect(brief.attachments).toEqual([expect.objectContaining({ name: 'served lane.png', sha256: sha(PNG), type: 'image/png', size: PNG.length, addedBy: { kind: 'operator', name: 'operator:mike' } })]);
  const entries = ((await api(host, 'briefs.get', { ref: '#1', limit: 1 })).body.result as { trace: { kind: string; channel: string }[] }).trace;
  expect(entries[0]).toMatchObject({ kind: 'attachment_added', channel: 'ui' });

  // Served back byte-identical to the page (same origin, cookie), and shown.
  const served = await page.evaluate(async (url) => {
    const res = await fetch(url);
    const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
    return { type: res.headers.get('content-type'), sha: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, `/blobs/${sha(PNG)}`);
  expect(served).toEqual({ type: 'image/png', sha: sha(PNG) });
  const thumb = page.getByRole('button', { name: 'Open served lane.png (12 KiB)' });
  await expect(thumb.locator('img')).toHaveJSProperty('naturalWidth', 480);

  // The lightbox: click opens it with name, size and who added it; Escape closes; focus returns.
  await thumb.click();
  const dialog = page.getByRole('dialog', { name: 'served lane.png' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('lightbox-details')).toContainText('12 KiB · PNG · added by operator:mike · ');
  await expect(dialog.getByRole('img', { name: 'served lane.png' })).toHaveJSProperty('naturalWidth', 480);
  await expectAccessible(page, 'lightbox');
  await shoot(page, 'briefs-attachments-lightbox');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(thumb).toBeFocused();
  // And from the keyboard.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(thumb).toBeFocused();
});

test('a pasted image uploads and lands in the spec as markdown at the cursor', async ({ page }) => {
  await openHarness(page, 1440);
  const spec = page.getByTestId('spec');
  await spec.focus();
  await page.keyboard.press('Control+End');
  expect(await paste(page, 'spec', [{ name: 'image.png', type: 'image/png', bytes: [...PNG] }])).toBe(false);
  await expect(spec).toHaveValue(`## Served lane\n\nBefore: ![image.png](/blobs/${sha(PNG)})`);
  expect((await briefOne()).attachments.filter((a) => a.name === 'image.png')).toHaveLength(1);
  // Pasted text is left to the editor.
  expect(await paste(page, 'spec', [], 'plain words')).toBe(true);
  await expect(page.getByTestId('attachment-uploading')).toHaveCount(0);
  await expect(page.getByTestId('attachment-error')).toHaveCount(0);
});

test('a refused file says why (the host’s reason) until dismissed, and nothing is attached', async ({ page }) => {
  for (const width of [1440, 390]) {
    await openHarness(page, width);
    const before = (await briefOne()).attachments.length;
    await drag(page, 'composer', [{ name: 'diagram.png', type: 'image/png', bytes: [...Buffer.from(SVG)] }], 'drop');
    const error = page.getByTestId('attachment-error');
    await expect(error).toHaveText(/Not attached: diagram\.png is an SVG, by its bytes; a brief accepts PNG, JPEG, GIF and WebP images only\./);
    await expect(error).toHaveAttribute('role', 'alert');
    await shoot(page, 'briefs-attachments-refused');
    await error.getByRole('button', { name: 'Dismiss the error about diagram.png' }).click();
    await expect(error).toHaveCount(0);
    expect((await briefOne()).attachments).toHaveLength(before);
  }
});

test('"Attach a screenshot" works from the keyboard, and everything reads at 390 px', async ({ page }) => {
  await openHarness(page, 390);
  const button = page.getByRole('button', { name: 'Attach a screenshot' }).first();
  await button.focus();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(join(images, 'photo.jpg'));
  const thumb = page.getByRole('button', { name: /^Open photo\.jpg/ });
  await expect(thumb.locator('img')).toHaveJSProperty('naturalWidth', 480);
  await expectAccessible(page, 'drop zone and thumbnail');
  await drag(page, 'composer', [{ name: 'served lane.png', type: 'image/png', bytes: [...PNG] }], 'enter');
  await shoot(page, 'briefs-attachments-dragover');
  await drag(page, 'composer', [], 'drop');
  await thumb.click();
  await expect(page.getByRole('dialog', { name: 'photo.jpg' })).toBeVisible();
  await shoot(page, 'briefs-attachments-lightbox');
});
