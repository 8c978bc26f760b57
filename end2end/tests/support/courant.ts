// Page-level helpers shared by the specs.
import { expect, Page } from "@playwright/test";
import { ADMIN } from "./server";

export { ADMIN };

/** Sign the page's browser context in (a session cookie), through the sign-in server function. */
export async function signIn(page: Page, origin: string, who = ADMIN): Promise<void> {
  const res = await page.context().request.post(`${origin}/api/auth/sign_in`, { form: who });
  expect(res.status(), await res.text()).toBe(200);
}

/** Open a page and wait until it is interactive (hydrated) and its live feed is connected.
 *  Backoffice pages are opened signed in as the admin unless the context already is. */
export async function openLive(page: Page, url: string): Promise<void> {
  const full = new URL(url);
  const hasSession = (await page.context().cookies(full.origin)).some((c) => c.name === "courant_session");
  if (full.pathname.startsWith("/admin") && !hasSession) {
    await signIn(page, full.origin);
  }
  await page.goto(url);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");
}

/** Save one field from the backoffice form and wait for the confirmation (a success toast,
 *  whatever the page's language). */
export async function saveField(editor: Page, field: string, value: string): Promise<number> {
  await editor.locator(`#${field}`).fill(value);
  const clickedAt = Date.now();
  await editor.getByTestId("save").click();
  await expect(editor.locator('[data-testid="toast"][data-kind="success"]')).toBeVisible();
  return clickedAt;
}

/** Mark the page so a later check can prove it was not reloaded. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => ((window as any).__courantMark = "still here"));
}

export async function expectNotReloaded(page: Page): Promise<void> {
  expect(await page.evaluate(() => (window as any).__courantMark)).toBe("still here");
}
