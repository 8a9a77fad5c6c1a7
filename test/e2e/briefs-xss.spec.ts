import { expect, test } from '@playwright/test';
import { api, type HostProcess } from '../fixtures/host-process';
import { must, newBrief, openRoute, briefsHostForEachTest } from './briefs-host';

/**
 * A brief's text is written by agents and pasted from anywhere: the page renders it inert.
 * Every payload below would call `window.__xss(name)` (exposed by the test) if any script
 * ran; the test also fails on any dialog, any `javascript:` or `data:` href, any image not
 * served from Grove's blobs, and any inline event handler in the Briefs route.
 */
const PAYLOADS = [
  '<script>window.__xss("script")</script>',
  '<img src=x onerror="window.__xss(\'img-onerror\')">',
  '<svg onload="window.__xss(\'svg\')"></svg>',
  '<iframe src="javascript:window.__xss(\'iframe\')"></iframe>',
  '<a href="javascript:window.__xss(\'raw-a\')">raw anchor</a>',
  '<div onmouseover="window.__xss(\'hover\')" style="position:fixed;inset:0">hover me</div>',
  '[a javascript link](javascript:window.__xss("md-link"))',
  '[an encoded one](jav&#x09;ascript:window.__xss("encoded"))',
  '[a data link](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoImRhdGEiKTwvc2NyaXB0Pg==)',
  '[a vbscript link](vbscript:msgbox(1))',
  '<javascript:window.__xss("autolink")>',
  '![a data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9Il9feHNzKCdkYXRhLWltZycpIi8+)',
  '![a remote image](https://evil.example/track.png)',
  '![x](x" onerror="window.__xss(\'attr\'))',
  '[a fine link](https://example.com/ok)',
  '[a route](#/briefs)',
].join('\n\n');

const currentHost = briefsHostForEachTest();
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost();
});

test('a spec, notes, comments, plans and links full of scripts, handlers and javascript:/data: URLs render inert', async ({ page }) => {
  const ran: string[] = [];
  const dialogs: string[] = [];
  await page.exposeFunction('__xss', (name: string) => void ran.push(name));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });

  const b = await newBrief(host, { title: '<img src=x onerror="window.__xss(\'title\')"> title', kind: 'bug', spec: PAYLOADS, projects: ['flower'] });
  const ref = `#${b.number}`;
  // The host refuses a URL link that is not http(s) or mailto; other link types are names the page shows as text.
  const refused = await api(host, 'briefs.append', { ref, action: { kind: 'link_added', type: 'url', target: 'javascript:alert(1)' } });
  expect(refused.body.error?.code).toBe('brief_change_invalid');
  await must(host, 'briefs.append', { ref, action: { kind: 'note', text: PAYLOADS } });
  await must(host, 'briefs.append', { ref, action: { kind: 'comment', text: PAYLOADS } });
  await must(host, 'briefs.append', { ref, action: { kind: 'plan_proposed', spec: PAYLOADS, summary: '<script>window.__xss("summary")</script>' } });
  await must(host, 'briefs.append', { ref, action: { kind: 'link_added', type: 'lane', target: 'javascript:window.__xss("link-target")', label: '<b>x</b>' } });
  await must(host, 'briefs.append', { ref, action: { kind: 'link_added', type: 'incident', target: 'data:text/html,<script>window.__xss("data-target")</script>' } });
  await must(host, 'briefs.append', { ref, action: { kind: 'status_change', to: 'planned', reason: '<img src=x onerror="window.__xss(\'reason\')">' } });

  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, '#/briefs');
  await expect(page.getByTestId('brief-row')).toHaveCount(1);
  await expect(page.getByTestId('brief-row')).toContainText('<img src=x onerror=');
  await openRoute(page, host, `#/brief/${b.number}`);
  const view = page.getByTestId('briefs-view');
  await expect(page.getByTestId('brief-title')).toContainText('<img src=x onerror=');
  await expect(page.getByTestId('trace-entry')).toHaveCount(8);
  // Unfold everything (the plan, the refinement diffs), preview the spec in the editor, hover and click it all.
  for (const d of await view.locator('details').all()) await d.locator('summary').click();
  await page.getByTestId('edit-spec').click();
  await page.getByTestId('spec-preview-tab').click();
  await expect(page.getByTestId('spec-preview')).toContainText('raw anchor');
  for (const text of ['a javascript link', 'an encoded one', 'a data link', 'a vbscript link']) {
    const inert = view.locator('.md-inert-link', { hasText: text }).first();
    await expect(inert).toBeVisible();
    await inert.click();
  }
  await view.getByText('hover me').first().hover();

  // What was written shows as text: the raw HTML, the dropped images' alt text.
  await expect(page.getByTestId('brief-spec')).toContainText('<script>window.__xss("script")</script>');
  await expect(page.getByTestId('brief-spec')).toContainText('[image: a data image]');
  await expect(page.getByTestId('brief-spec')).toContainText('[image: a remote image]');
  await expect(page.getByTestId('brief-link')).toHaveCount(2);
  await expect(page.getByTestId('brief-links')).toContainText('javascript:window.__xss("link-target")');

  // The page's DOM, typed as much as is read (the tests compile without the DOM's types).
  type El = { tagName: string; attributes: Iterable<{ name: string }>; getAttribute(name: string): string | null; querySelectorAll(selector: string): Iterable<El> & { length: number } };
  const dom = await view.evaluate((node) => {
    const root = node as unknown as El;
    const hrefs = [...root.querySelectorAll('[href]')].map((e) => e.getAttribute('href') ?? '');
    const srcs = [...root.querySelectorAll('[src]')].map((e) => e.getAttribute('src') ?? '');
    const handlers = [...root.querySelectorAll('*')].flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${e.tagName} ${a.name}`));
    const tags = [...root.querySelectorAll('script, iframe, object, embed, form[action], div[style]')].map((e) => e.tagName);
    return { hrefs, srcs, handlers, tags };
  });
  expect(dom.hrefs.filter((h) => !/^(https?:\/\/|mailto:|#\/)/i.test(h)), 'hrefs other than http(s), mailto and Grove routes').toEqual([]);
  expect(dom.hrefs).toContain('https://example.com/ok');
  expect(dom.hrefs).toContain('#/briefs');
  expect(dom.srcs.filter((s) => !/^\/blobs\/[0-9a-f]{64}$/.test(s)), 'images not from Grove blobs').toEqual([]);
  expect(dom.handlers).toEqual([]);
  expect(dom.tags).toEqual([]);

  // Give anything queued a chance to run, then check nothing did.
  await page.waitForTimeout(300);
  expect(ran, 'scripts that ran').toEqual([]);
  expect(dialogs, 'dialogs opened').toEqual([]);
  // The one inline script is the page's own (early-socket.js, written in by the build and allowed by its hash).
  const inline = await page.evaluate(() => [...(globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }> } }).document.querySelectorAll('script:not([src])')].map((s) => s.textContent ?? ''));
  expect(inline.map((text) => text.includes('window.groveEarlySocket = {'))).toEqual([true]);
});
