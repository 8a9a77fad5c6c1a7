import { expect, type Page } from '@playwright/test';

/**
 * Runs a command from the palette as an operator does: the palette key, the command's text,
 * Enter. Types only once the palette's box has the keys (its code may still be loading, and
 * keys typed before would reach the terminal), and returns once the palette has closed.
 */
export async function runCommand(page: Page, text: string): Promise<void> {
  const palette = page.getByTestId('command-palette');
  // Pressed again only while no palette shows (a second press would close it): once in a CI
  // run the key, pressed right after the previous command moved the cockpit to MAIN, opened
  // nothing, and I did not find why (session 22's note).
  await expect(async () => {
    if ((await palette.count()) === 0) await page.keyboard.press('Control+Shift+P');
    await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused({ timeout: 2000 });
  }).toPass({ timeout: 12_000 });
  await page.keyboard.type(text);
  await expect(palette.getByRole('option', { selected: true })).toContainText(text);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
}
