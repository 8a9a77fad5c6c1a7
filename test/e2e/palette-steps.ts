import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Runs a command from the palette as an operator does: the palette key, the command's text,
 * Enter. Types only once the palette's box has the keys (its code may still be loading, and
 * keys typed before would reach the terminal), and returns once the palette has closed.
 */
export async function runCommand(page: Page, text: string): Promise<void> {
  const palette = await openPalette(page);
  await page.keyboard.type(text);
  await expect(palette.getByRole('option', { selected: true })).toContainText(text);
  await page.keyboard.press('Enter');
  await expect(palette).toHaveCount(0);
}

/**
 * Opens the palette with its key and returns it once its box has the keys: keys typed before
 * (its code may still be loading on the first open) would go to the page instead.
 */
export async function openPalette(page: Page): Promise<Locator> {
  const palette = page.getByTestId('command-palette');
  await page.keyboard.press('Control+Shift+P');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  return palette;
}
