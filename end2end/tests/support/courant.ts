// Page-level helpers shared by the specs.
import { expect, Page } from "@playwright/test";

/** Uncaught errors (a WASM panic surfaces as one) on pages opened by `openLive`. */
export const pageErrors: string[] = [];
const watched = new WeakSet<Page>();

/** Open a page and wait until it is interactive (hydrated) and its live feed is connected. */
export async function openLive(page: Page, url: string): Promise<void> {
  if (!watched.has(page)) {
    watched.add(page);
    page.on("pageerror", (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  }
  await page.goto(url);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");
}

/** Save one field from the backoffice form and wait for the confirmation. */
export async function saveField(editor: Page, field: string, value: string): Promise<number> {
  await editor.locator(`#${field}`).fill(value);
  const clickedAt = Date.now();
  await editor.getByTestId("save").click();
  await expect(editor.getByTestId("notice")).toContainText("Saved");
  return clickedAt;
}

/** Mark the page so a later check can prove it was not reloaded. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => ((window as any).__courantMark = "still here"));
}

export async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as any).__courantMark)).toBe("still here");
}
