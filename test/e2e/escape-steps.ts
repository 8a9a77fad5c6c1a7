import { expect, type Locator, type Page } from '@playwright/test';

/**
 * Presses Escape to close a dialog, popover or the palette, once it holds the focus. Radix
 * starts a surface's Escape listener in the same effects that move the focus into it, so a
 * key pressed before (the surface already visible, on a loaded machine) goes nowhere and
 * leaves it open.
 */
export async function escapeFrom(page: Page, surface: Locator): Promise<void> {
  await expect
    .poll(() =>
      surface.evaluate((el) => {
        const node = el as unknown as { contains(n: unknown): boolean; closest(s: string): { contains(n: unknown): boolean } | null; ownerDocument: { activeElement: unknown } };
        const active = node.ownerDocument.activeElement;
        return node.contains(active) || (node.closest('[role="dialog"]')?.contains(active) ?? false);
      }),
    )
    .toBe(true);
  await page.keyboard.press('Escape');
}
