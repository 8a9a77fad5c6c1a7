import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import type { HostProcess } from '../fixtures/host-process';
import type { BriefEntry } from '../../src/shared/briefs';
import { openPalette } from './palette-steps';
import { expectAccessible } from './axe';
import { must, newBrief, openRoute, briefsHostForEachTest } from './briefs-host';
import { shoot } from './screenshots';

/**
 * A contested spec as the operator meets it: two edits of the same spec that did not see each
 * other (here imported as another Grove's would be pulled, each based on the created spec).
 * The spec shows the later; a notice names the other edit, shows its text, and settles it.
 */
const currentHost = briefsHostForEachTest();
let host: HostProcess;
test.beforeEach(() => {
  host = currentHost();
});

/** Two refinements, both based on the created spec, from two operators a second apart. */
async function contestedBrief(): Promise<{ number: number }> {
  const brief = await newBrief(host, { title: 'Checkout flow', spec: 'Pay by card.', projects: ['flower'] });
  const { entries } = await must<{ entries: BriefEntry[] }>(host, 'briefs.export', {});
  const created = entries.find((e) => e.briefId === brief.id && e.kind === 'created')!;
  const edit = (name: string, spec: string, ms: number): BriefEntry => ({
    id: randomUUID(),
    briefId: brief.id,
    seq: 0,
    kind: 'refinement',
    actor: { kind: 'operator', name },
    channel: 'ui',
    at: new Date(ms).toISOString(),
    hlc: `${String(ms).padStart(13, '0')}-0000-${name === 'operator:anna' ? 'host-a' : 'host-b'}`,
    payload: { spec, diff: '', base: created.id },
    redacted: null,
  });
  const t = Date.now() + 1000;
  await must(host, 'briefs.import', {
    entries: [
      edit('operator:anna', '## Checkout\n\nPay by card, **3-D Secure** on every payment over 30 €.', t),
      edit('operator:ben', '## Checkout\n\nPay by invoice for business customers; card for everyone else.', t + 1000),
    ],
  });
  return brief;
}

for (const width of [1440, 390]) {
  test(`a contested spec shows whose edit lost, their text on demand, and settles with "Use theirs" (${width} px)`, async ({ page }) => {
    const brief = await contestedBrief();
    await page.setViewportSize({ width, height: 900 });
    await openRoute(page, host, `#/brief/${brief.number}`);
    const spec = page.getByTestId('brief-spec');
    await expect(spec).toContainText('Pay by invoice for business customers');
    const notice = page.getByTestId('spec-contested');
    await expect(notice).toContainText('Edited at the same time as operator:anna’s edit');
    await expect(notice).toContainText('their version is kept in the trace');
    await notice.getByTestId('spec-contested-view').click();
    await expect(notice).toContainText('3-D Secure');
    await expectAccessible(page, '[data-testid="brief-spec"]');
    await shoot(page, 'spec-contested');

    await notice.getByTestId('spec-contested-use').click();
    await expect(notice).toHaveCount(0);
    await expect(spec).toContainText('3-D Secure on every payment over 30 €');
    const got = await must<{ brief: { specConflicts: unknown[]; spec: string } }>(host, 'briefs.get', { ref: `#${brief.number}`, limit: 1 });
    expect(got.brief.specConflicts).toEqual([]);
  });
}

test('"Keep the spec below" settles it with the current text', async ({ page }) => {
  const brief = await contestedBrief();
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${brief.number}`);
  await page.getByTestId('spec-contested-keep').click();
  await expect(page.getByTestId('spec-contested')).toHaveCount(0);
  await expect(page.getByTestId('brief-spec')).toContainText('Pay by invoice for business customers');
});

test('the palette settles it too: "Use operator:anna\'s version", and once settled neither choice is offered', async ({ page }) => {
  const brief = await contestedBrief();
  await page.setViewportSize({ width: 1440, height: 900 });
  await openRoute(page, host, `#/brief/${brief.number}`);
  await expect(page.getByTestId('spec-contested')).toBeVisible();
  const palette = page.getByTestId('command-palette');
  await page.keyboard.press('Control+Shift+P');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await page.keyboard.type('contested');
  await expect(palette.getByRole('option')).toHaveText([
    `Use operator:anna's version of #${brief.number}'s spec (settles the contested edit)`,
    `Keep #${brief.number}'s spec as it stands (settles the contested edit)`,
  ]);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
  await expect(page.getByTestId('spec-contested')).toHaveCount(0);
  await expect(page.getByTestId('brief-spec')).toContainText('3-D Secure on every payment over 30 €');
  await openPalette(page);
  await page.keyboard.type('contested');
  await expect(palette.getByRole('option')).toHaveCount(0);
});
