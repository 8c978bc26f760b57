// Page-level helpers shared by the specs.
import { expect, Locator, Page } from "@playwright/test";
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
  const backoffice = full.pathname.startsWith("/admin") || full.pathname.startsWith("/synchronisation");
  if (backoffice && !hasSession) {
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

/** A record's row in a collection's table, by its name. */
export function row(page: Page, label: string): Locator {
  return page.locator(`[data-testid="row"][data-label="${label}"]`);
}

/** Open a record's editor (the drawer) from its row; the editor. */
export async function openRecord(page: Page, label: string): Promise<Locator> {
  await row(page, label).getByTestId("edit").click();
  const editor = page.getByTestId("editor");
  await expect(editor).toHaveAttribute("data-label", label);
  return editor;
}

/** Start a new record ("Ajouter …"); its editor. */
export async function addRecord(page: Page): Promise<Locator> {
  await page.getByTestId("add").click();
  const editor = page.locator('[data-testid="editor"][data-new="true"]');
  await expect(editor).toBeVisible();
  return editor;
}

/** Close the drawer. */
export async function closeEditor(page: Page): Promise<void> {
  await page.getByTestId("close-editor").click();
  await expect(page.getByTestId("editor")).toHaveCount(0);
}

/** Choose an action of the editor's "⋯" menu. */
export async function menuAction(editor: Locator, action: string): Promise<void> {
  await editor.getByTestId("more").click();
  await editor.getByTestId(action).click();
}

/** Answer the page's confirmation dialog. */
export async function confirmDialog(page: Page, yes = true): Promise<void> {
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByTestId(yes ? "confirm-ok" : "confirm-cancel").click();
  await expect(dialog).toBeHidden();
}

/** Sign out from the user menu. */
export async function signOutFromMenu(page: Page): Promise<void> {
  await page.getByTestId("user-menu").click();
  await page.getByTestId("sign-out").click();
}
