import { expect, test, type Locator, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Brief } from '../../src/shared/briefs';
import { repoRoot, type HostProcess } from '../fixtures/host-process';
import { expectAccessible } from './axe';
import { briefsHostForEachTest, must, newBrief, openRoute } from './briefs-host';
import { setTheme, shoot } from './screenshots';
import { escapeFrom } from './escape-steps';

/**
 * Screenshots dropped, pasted and picked onto a brief's page in a real Chromium, uploaded to a
 * real host: the drop zone around the trace composer (an upload reaches the trace as a
 * thumbnail through the live `brief.changed` event, not from the page's own answer) and the
 * one around the spec editor (the upload lands in the text as `![name](/blobs/<sha256>)`).
 * Drags and pastes are real DataTransfer objects holding real Files, dispatched as the
 * browser dispatches them; everything else is the cockpit and the host as they ship.
 */
const currentHost = briefsHostForEachTest();
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost();
});

const images = join(repoRoot, 'test', 'fixtures', 'images');
const PNG = readFileSync(join(images, 'screenshot.png'));
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff', 'latin1'), Buffer.alloc(50), Buffer.from('This program cannot be run in DOS mode.\r\r\n$')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

type FileBytes = { name: string; type: string; bytes: number[] };
const file = (name: string, type: string, bytes: Buffer): FileBytes => ({ name, type, bytes: [...bytes] });

/** The page's globals the dispatch uses, typed by hand (the tests compile without the DOM's types). */
type PageGlobals = {
  DataTransfer: new () => { items: { add(f: unknown): void }; setData(type: string, data: string): void };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DragEvent: new (type: string, init: object) => unknown;
  ClipboardEvent: new (type: string, init: object) => unknown;
};

/**
 * What a person's drag or paste delivers onto TARGET: a DataTransfer holding FILES (and TEXT),
 * as dragenter + dragover, dragover + drop, or paste. Resolves false when the page took the
 * event over (preventDefault), true when it was left to the field.
 */
async function deliver(target: Locator, how: 'dragenter' | 'drop' | 'paste', files: FileBytes[], text?: string): Promise<boolean> {
  return target.evaluate(
    (el, [how, files, text]) => {
      const g = globalThis as unknown as PageGlobals;
      const dt = new g.DataTransfer();
      for (const f of files) dt.items.add(new g.File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
      if (text) dt.setData('text/plain', text);
      const fire = (e: unknown) => (el as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(e);
      if (how === 'paste') return fire(new g.ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      const types = how === 'dragenter' ? ['dragenter', 'dragover'] : ['dragover', 'drop'];
      return types.map((type) => fire(new g.DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }))).every(Boolean);
    },
    [how, files, text] as const,
  );
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

/** The brief's page, opened as the operator opens it. */
async function openBrief(page: Page, width: number, params: { spec?: string } = {}): Promise<void> {
  await newBrief(host, { title: 'Screenshots of the served lane', kind: 'bug', projects: ['flower'], ...params });
  await page.setViewportSize({ width, height: 900 });
  await openRoute(page, host, '#/brief/1');
  await expect(page.getByTestId('brief-page')).toHaveAttribute('data-number', '1');
  // The neighbourhood graph loads lazily above the trace: wait for it, so nothing moves under a drop.
  await expect(page.getByTestId('graph-node').first()).toBeVisible();
}

const stored = () => must<{ brief: Brief; trace: { kind: string; channel: string }[] }>(host, 'briefs.get', { ref: '#1' });
const trace = (page: Page) => page.getByTestId('trace-entry');
const traceZone = (page: Page) => page.getByTestId('brief-trace').getByTestId('attachment-drop-zone');

/** The SHA-256 of what the page is served at URL (same origin, its session cookie), and its type. */
async function servedToPage(page: Page, url: string): Promise<{ type: string | null; sha: string }> {
  return page.evaluate(async (url) => {
    const res = await fetch(url);
    const digest = await crypto.subtle.digest('SHA-256', await res.arrayBuffer());
    return { type: res.headers.get('content-type'), sha: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('') };
  }, url);
}

test('a PNG dropped on the trace composer: "uploading…", then a thumbnail arrives live in the trace, served back byte-identical, and opens in a lightbox', async ({ page }) => {
  await openBrief(page, 1440);
  // Created, and its author joined.
  await expect(trace(page)).toHaveCount(2);
  const composer = page.getByTestId('trace-text');
  const png = file('served lane.png', 'image/png', PNG);

  await deliver(composer, 'dragenter', [png]);
  const zone = traceZone(page);
  await expect(zone).toHaveAttribute('data-dragging', 'true');
  await expect(zone).toContainText('Drop to attach to #1');
  await zone.scrollIntoViewIfNeeded();
  await shoot(page, 'briefs-attachments-dragover');

  const held = await holdUploads(page);
  expect(await deliver(composer, 'drop', [png])).toBe(false);
  await expect(zone).not.toHaveAttribute('data-dragging', 'true');
  await expect(zone.getByTestId('attachment-uploading')).toHaveText(/uploading… served lane\.png/);
  await expect(trace(page)).toHaveCount(2);
  await shoot(page, 'briefs-attachments-uploading');
  held.release();
  await expect(zone.getByTestId('attachment-uploading')).toHaveCount(0);

  // The entry reaches the trace through the host's event, as a thumbnail.
  await expect(trace(page)).toHaveCount(3);
  const entry = trace(page).first();
  await expect(entry).toHaveAttribute('data-kind', 'attachment_added');
  await expect(entry).toContainText('attachment added');
  await expect(entry).toContainText('operator · operator:mike');
  const thumb = entry.getByRole('button', { name: 'Open served lane.png (12 KiB)' });
  await expect(thumb.locator('img')).toHaveAttribute('src', `/blobs/${sha(PNG)}`);
  await expect(thumb.locator('img')).toHaveJSProperty('naturalWidth', 480);
  // In the entry's column, under its head, like every entry's content.
  const [thumbBox, actorBox] = [await thumb.boundingBox(), await entry.getByTestId('trace-actor').boundingBox()];
  expect(Math.abs(thumbBox!.x - actorBox!.x)).toBeLessThan(2);

  // The host recorded it from the UI, by the operator (the session cookie authenticated the upload).
  const got = await stored();
  expect(got.brief.attachments).toEqual([expect.objectContaining({ name: 'served lane.png', sha256: sha(PNG), type: 'image/png', size: PNG.length, addedBy: { kind: 'operator', name: 'operator:mike' } })]);
  expect(got.trace[0]).toMatchObject({ kind: 'attachment_added', channel: 'ui' });

  // Served back to the page byte-identical.
  expect(await servedToPage(page, `/blobs/${sha(PNG)}`)).toEqual({ type: 'image/png', sha: sha(PNG) });

  // The lightbox: a click opens it with name, size and who added it; Escape closes; focus returns.
  await thumb.click();
  const dialog = page.getByRole('dialog', { name: 'served lane.png' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('lightbox-details')).toContainText('12 KiB · PNG · added by operator:mike · ');
  await expect(dialog.getByRole('img', { name: 'served lane.png' })).toHaveJSProperty('naturalWidth', 480);
  // In a browser, the original in a tab of its own.
  await expect(dialog.getByTestId('attachment-original')).toHaveAttribute('href', `/blobs/${sha(PNG)}`);
  await expectAccessible(page, 'the lightbox');
  await shoot(page, 'briefs-attachments-lightbox');
  await escapeFrom(page, dialog);
  await expect(dialog).toBeHidden();
  await expect(thumb).toBeFocused();
  // And from the keyboard.
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await escapeFrom(page, dialog);
  await expect(dialog).toBeHidden();
  await expect(thumb).toBeFocused();

  await expectAccessible(page, 'a brief with an attachment (dark)');
  await setTheme(page, 'light');
  await expectAccessible(page, 'a brief with an attachment (light)');
  await setTheme(page, null);
  await entry.scrollIntoViewIfNeeded();
  await shoot(page, 'briefs-attachments-trace');
});

test('a screenshot pasted onto the spec editor lands as markdown at the cursor, and the saved refinement shows it from /blobs', async ({ page }) => {
  await openBrief(page, 1440, { spec: '## Served lane\n\nBefore the fix:  and after.' });
  await page.getByTestId('edit-spec').click();
  const editor = page.getByTestId('spec-editor');
  const spec = editor.getByLabel('Spec (markdown)');
  await expect(spec).toBeFocused();
  // The cursor between "fix: " and " and after." (11 characters from the end).
  await page.keyboard.press('Control+End');
  for (let i = 0; i < ' and after.'.length; i++) await page.keyboard.press('ArrowLeft');

  // Chromium names a pasted screenshot image.png.
  expect(await deliver(spec, 'paste', [file('image.png', 'image/png', PNG)])).toBe(false);
  const md = `![image.png](/blobs/${sha(PNG)})`;
  await expect(spec).toHaveValue(`## Served lane\n\nBefore the fix: ${md} and after.`);
  // The cursor follows the markdown: typing goes on after it.
  await page.keyboard.type(' (dark theme)');
  await expect(spec).toHaveValue(`## Served lane\n\nBefore the fix: ${md} (dark theme) and after.`);
  // Pasted text is left to the editor.
  expect(await deliver(spec, 'paste', [], 'plain words')).toBe(true);
  await expect(editor.getByTestId('attachment-uploading')).toHaveCount(0);
  await expect(editor.getByTestId('attachment-error')).toHaveCount(0);
  // The upload is in the trace too, as its own entry.
  await expect(trace(page).first()).toHaveAttribute('data-kind', 'attachment_added');
  await shoot(page, 'briefs-attachments-spec-paste');

  await page.getByTestId('spec-preview-tab').click();
  const previewed = page.getByTestId('spec-preview').getByRole('img', { name: 'image.png' });
  await expect(previewed).toHaveAttribute('src', `/blobs/${sha(PNG)}`);
  await expect(previewed).toHaveJSProperty('naturalWidth', 480);

  await page.getByTestId('save-spec').click();
  await expect(page.getByTestId('spec-editor')).toHaveCount(0);
  const shown = page.getByTestId('brief-spec').getByRole('img', { name: 'image.png' });
  await expect(shown).toHaveAttribute('src', `/blobs/${sha(PNG)}`);
  await expect(shown).toHaveJSProperty('naturalWidth', 480);
  await expect(trace(page).first()).toHaveAttribute('data-kind', 'refinement');
  const got = await stored();
  expect(got.brief.spec).toBe(`## Served lane\n\nBefore the fix: ${md} (dark theme) and after.`);
  expect(got.brief.attachments.map((a) => a.name)).toEqual(['image.png']);
  await expectAccessible(page, 'a spec showing an attachment');
  await shoot(page, 'briefs-attachments-spec');
});

test('in the app’s window the lightbox offers no "Open full size": the system browser it would go to has no session', async ({ page }) => {
  // The app's preload bridge, as Electron's window has it.
  await page.addInitScript(() => {
    (globalThis as unknown as { grove: object }).grove = {
      connectionInfo: async () => ({ hostUrl: '', appVersion: '0.0.0' }),
      pathForFile: () => '',
      onNavigate: () => () => undefined,
      openExternal: async () => ({ opened: false, reason: 'test' }),
    };
  });
  await openBrief(page, 1440);
  const res = await fetch(`${host.url}/blobs?brief=%231&name=shot.png`, { method: 'POST', headers: { authorization: `Bearer ${host.token}` }, body: PNG });
  expect(res.status).toBe(200);
  const thumb = trace(page).first().getByRole('button', { name: /Open shot\.png/ });
  await thumb.click();
  const dialog = page.getByRole('dialog', { name: 'shot.png' });
  await expect(dialog.getByRole('img', { name: 'shot.png' })).toHaveJSProperty('naturalWidth', 480);
  await expect(dialog.getByTestId('attachment-original')).toHaveCount(0);
});

test('the spec editor holds its save while a screenshot uploads, and the upload outlives a look at the preview; text pasted with an image is kept', async ({ page }) => {
  await openBrief(page, 1440, { spec: 'Before.' });
  await page.getByTestId('edit-spec').click();
  const editor = page.getByTestId('spec-editor');
  const spec = editor.getByLabel('Spec (markdown)');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(' After.');
  const held = await holdUploads(page);
  // Cells copied from a spreadsheet: text and a picture of them. The text is not taken from the editor.
  expect(await deliver(spec, 'paste', [file('cells.png', 'image/png', PNG)], 'A1\tB1')).toBe(true);
  await expect(editor.getByTestId('attachment-uploading')).toHaveCount(1);
  const save = page.getByTestId('save-spec');
  await expect(save).toBeDisabled();
  await expect(save).toHaveText('Uploading…');

  await page.getByTestId('spec-preview-tab').click();
  held.release();
  const md = `![cells.png](/blobs/${sha(PNG)})`;
  await expect(page.getByTestId('spec-preview').getByRole('img', { name: 'cells.png' })).toHaveAttribute('src', `/blobs/${sha(PNG)}`);
  await expect(save).toBeEnabled();
  await save.click();
  await expect(page.getByTestId('spec-editor')).toHaveCount(0);
  expect((await stored()).brief.spec).toBe(`Before. After.${md}`);
});

test('refused files (an SVG, an executable named .png) show the host’s reason until dismissed, and add nothing', async ({ page }) => {
  await openBrief(page, 1440);
  const before = (await stored()).trace;
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    const zone = traceZone(page);
    // Crossing the narrow breakpoint remounts the page: a drop onto the old, detached zone is
    // handled by nobody (and says so: not prevented), so it is delivered again until one is.
    await expect.poll(() => deliver(page.getByTestId('trace-text'), 'drop', [file('diagram.svg', 'image/svg+xml', SVG), file('setup.png', 'image/png', EXE)])).toBe(false);
    const errors = zone.getByTestId('attachment-error');
    await expect(errors).toHaveCount(2);
    await expect(errors.filter({ hasText: 'diagram.svg' })).toHaveText(/Not attached: diagram\.svg is an SVG, by its bytes; a brief accepts PNG, JPEG, GIF and WebP images only\./);
    await expect(errors.filter({ hasText: 'setup.png' })).toHaveText(/Not attached: setup\.png is a Windows executable, by its bytes; a brief accepts PNG, JPEG, GIF and WebP images only\./);
    await expect(errors.first()).toHaveAttribute('role', 'alert');
    await zone.scrollIntoViewIfNeeded();
    await expectAccessible(page, `refusals at ${width} px`);
    await shoot(page, 'briefs-attachments-refused');
    for (const name of ['diagram.svg', 'setup.png']) await zone.getByRole('button', { name: `Dismiss the error about ${name}` }).click();
    await expect(errors).toHaveCount(0);
  }
  const got = await stored();
  expect(got.brief.attachments).toEqual([]);
  expect(got.trace).toEqual(before);
  await expect(trace(page)).toHaveCount(before.length);
});

test('"Attach a screenshot" from the keyboard at 390 px: the picked image reaches the trace and opens in a lightbox', async ({ page }) => {
  await openBrief(page, 390);
  const button = traceZone(page).getByRole('button', { name: 'Attach a screenshot' });
  await button.focus();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles(join(images, 'photo.jpg'));
  const thumb = trace(page).first().getByRole('button', { name: /^Open photo\.jpg/ });
  await expect(thumb.locator('img')).toHaveJSProperty('naturalWidth', 480);
  expect((await stored()).brief.attachments.map((a) => a.name)).toEqual(['photo.jpg']);
  await expectAccessible(page, 'a brief with an attachment at 390 px');
  await thumb.scrollIntoViewIfNeeded();
  await shoot(page, 'briefs-attachments-trace');

  await deliver(page.getByTestId('trace-text'), 'dragenter', [file('served lane.png', 'image/png', PNG)]);
  await expect(traceZone(page)).toHaveAttribute('data-dragging', 'true');
  await traceZone(page).scrollIntoViewIfNeeded();
  await shoot(page, 'briefs-attachments-dragover');
  await deliver(page.getByTestId('trace-text'), 'drop', []);
  await expect(traceZone(page)).not.toHaveAttribute('data-dragging', 'true');

  await thumb.click();
  await expect(page.getByRole('dialog', { name: 'photo.jpg' })).toBeVisible();
  await shoot(page, 'briefs-attachments-lightbox');
  await escapeFrom(page, page.getByRole('dialog', { name: 'photo.jpg' }));
  await expect(thumb).toBeFocused();
});
