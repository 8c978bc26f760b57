// Page-level helpers shared by the specs.
import { BrowserContext, expect, Page } from "@playwright/test";
import { ADMIN } from "./server";

export { ADMIN };

const signedIn = new WeakMap<BrowserContext, Set<string>>();

/** Sign the page's browser context in (a session cookie), through the sign-in server function. */
export async function signIn(page: Page, origin: string, who = ADMIN): Promise<void> {
  const res = await page.context().request.post(`${origin}/api/auth/sign_in`, { form: who });
  expect(res.status(), await res.text()).toBe(200);
  const origins = signedIn.get(page.context()) ?? new Set();
  origins.add(origin);
  signedIn.set(page.context(), origins);
}

/** Open a page and wait until it is interactive (hydrated) and its live feed is connected.
 *  Backoffice pages are opened signed in as the admin unless the context already is. */
export async function openLive(page: Page, url: string): Promise<void> {
  const full = new URL(url);
  if (full.pathname.startsWith("/admin") && !signedIn.get(page.context())?.has(full.origin)) {
    await signIn(page, full.origin);
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
