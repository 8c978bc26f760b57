// Accessibility: axe (@axe-core/playwright, run in Debian's Chromium) on every route, signed
// out and signed in as an admin, in French (the default) and in English (the language cookie
// the header's switch sets). No serious or critical violation is allowed, and every field's
// error is linked to its field (aria-describedby). Then the keyboard: the language switch, and
// signing in, editing, saving and closing the toast without a mouse. Then a phone's width.
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { invitationLink, publicSettings } from "./support/api";
import { ADMIN, addRecord, menuAction, openLive, openRecord, signIn } from "./support/courant";
import { BACKOFFICE_PAGES as BACKOFFICE, PUBLIC_PAGES } from "./support/routes";

const PUBLIC = [...PUBLIC_PAGES, "/signin"];

async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${page.url()} — ${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join("\n    ")}`);
}

/** Error slots a screen reader would not read with their field: a `.field-error` without an
 *  id, or whose id no control names in `aria-describedby`. Axe does not check this. */
async function unlinkedErrors(page: Page): Promise<string[]> {
  const unlinked = await page.locator(".field-error").evaluateAll((slots) =>
    slots
      .filter((slot) => !slot.id || !document.querySelector(`[aria-describedby~="${CSS.escape(slot.id)}"]`))
      .map((slot) => slot.id || slot.outerHTML.slice(0, 80)),
  );
  return unlinked.map((what) => `${page.url()} — an error not linked to its field: ${what}`);
}

async function check(page: Page): Promise<string[]> {
  return [...(await seriousViolations(page)), ...(await unlinkedErrors(page))];
}

async function open(page: Page, url: string) {
  if (new URL(url).pathname === "/signin" || new URL(url).pathname.startsWith("/invite/")) {
    await page.goto(url);
    await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  } else {
    await openLive(page, url);
  }
}

/** Opens every public page, then a service's and a solution's detail page, running `onPage`
 * on each once it is interactive. */
async function eachPublicPage(page: Page, base: string, onPage: () => Promise<void>) {
  const detailPages: string[] = [];
  for (const path of PUBLIC) {
    await open(page, `${base}${path}`);
    await onPage();
    if (path === "/services" || path === "/solutions") {
      const href = await page.getByTestId("public-card").first().locator("a[href]").first().getAttribute("href");
      if (href) detailPages.push(href);
    }
  }
  expect(detailPages.length).toBe(2);
  for (const path of detailPages) {
    await open(page, `${base}${path}`);
    await onPage();
  }
}

for (const lang of ["fr", "en"] as const) {
  test(`every page passes axe in ${lang}, signed out and signed in`, async ({ browser, servers }) => {
    test.slow();
    const server = await servers.start();
    const context = await browser.newContext();
    await context.addCookies([{ name: "courant_lang", value: lang, url: server.url }]);
    const page = await context.newPage();
    const found: string[] = [];
    await eachPublicPage(page, server.url, async () => {
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
      found.push(...(await check(page)));
    });
    await open(page, `${server.url}${await invitationLink(server.url, `new-${lang}@courant.test`, "editor")}`);
    found.push(...(await check(page)));

    await signIn(page, server.url);
    for (const path of BACKOFFICE) {
      await open(page, `${server.url}${path}`);
      await expect(page.locator("html")).toHaveAttribute("lang", lang);
      await expect(page.getByTestId("user-email")).toBeVisible();
      found.push(...(await check(page)));
    }
    // What opens over the pages: the editor's drawer with unsaved edits, the user menu, a
    // confirmation, a new record with its errors, the design page's drawer.
    await open(page, `${server.url}/admin/services`);
    const first = await page.getByTestId("row").first().getAttribute("data-label");
    const editor = await openRecord(page, first!);
    await editor.locator('textarea[name="description"]').fill("Changed, not saved");
    found.push(...(await check(page)));
    await menuAction(editor, "delete");
    await expect(page.getByTestId("confirm-dialog")).toBeVisible();
    found.push(...(await check(page)));
    await page.getByTestId("confirm-cancel").click();
    await page.getByTestId("close-editor").click();
    const fresh = await addRecord(page);
    await fresh.locator('input[name="price_cents"]').fill("abc");
    await expect(fresh.locator(".field-error").first()).not.toBeEmpty();
    found.push(...(await check(page)));
    await page.getByTestId("close-editor").click();
    await page.getByTestId("user-menu").click();
    found.push(...(await check(page)));
    await open(page, `${server.url}/admin/design`);
    await page.getByTestId("design-drawer").click();
    await expect(page.getByTestId("design-drawer-dialog")).toBeVisible();
    found.push(...(await check(page)));
    expect(found, found.join("\n")).toEqual([]);
  });
}

test("the language switch works from the keyboard and is remembered", async ({ page, servers }) => {
  const server = await servers.start();
  await open(page, `${server.url}/`);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  const english = page.getByTestId("language-en");
  await english.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(english).toHaveAttribute("aria-pressed", "true");
  // The next page load is served in English by the server itself (the cookie).
  await open(page, `${server.url}/team`);
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
});

/** Press Tab (or Shift+Tab) until `target` has the focus: it fails when the keyboard cannot
 *  reach it within `most` presses. */
async function tabTo(page: Page, target: Locator, { backwards = false, most = 80 } = {}) {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
  }
  throw new Error(`${target} cannot be reached with the keyboard`);
}

test("the backoffice works from the keyboard alone: sign in, edit, save, close the toast", async ({ page, servers }) => {
  const server = await servers.start();
  await page.goto(`${server.url}/admin/settings`);
  await expect(page).toHaveURL(/\/signin\?next=/);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await tabTo(page, page.locator("#email"));
  await page.keyboard.type(ADMIN.email);
  await tabTo(page, page.locator("#password"));
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(`${server.url}/admin/settings`);
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");

  const tagline = `Typed with the keyboard ${Date.now()}`;
  await tabTo(page, page.locator("#tagline"));
  await page.keyboard.press("Control+a");
  await page.keyboard.type(tagline);
  await tabTo(page, page.getByTestId("save"));
  await page.keyboard.press("Enter");
  const toast = page.locator('[data-testid="toast"][data-kind="success"]');
  await expect(toast).toBeVisible();
  expect((await publicSettings(server.url)).record.tagline).toBe(tagline);
  // The toasts come before the page in the document: back from the save button.
  await tabTo(page, toast.getByTestId("toast-close"), { backwards: true });
  await page.keyboard.press("Enter");
  await expect(toast).toHaveCount(0);
});

test("every page fits a 375 px wide screen: nothing scrolls sideways", async ({ browser, servers }) => {
  test.slow();
  const server = await servers.start();
  const page = await (await browser.newContext({ viewport: { width: 375, height: 740 } })).newPage();
  const tooWide: string[] = [];
  const measure = async () => {
    const wide = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      if (document.documentElement.scrollWidth <= width) return null;
      // Name the widest culprits, so the failure says what to fix.
      const over = [...document.querySelectorAll("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 1)
        .map((el) => `${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""}`);
      return `${document.documentElement.scrollWidth} px wide: ${[...new Set(over)].slice(0, 6).join(", ")}`;
    });
    if (wide) tooWide.push(`${page.url()} — ${wide}`);
  };
  await eachPublicPage(page, server.url, measure);
  await signIn(page, server.url);
  for (const path of BACKOFFICE) {
    await open(page, `${server.url}${path}`);
    // The top bar stays one short row: the menu is folded behind its button, who is signed
    // in behind an initial.
    const bar = await page.locator("header.topbar").boundingBox();
    expect(bar!.height, `${path}: the top bar's height`).toBeLessThanOrEqual(64);
    const toggle = page.getByTestId("menu-toggle");
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(page.locator("#sidebar")).toBeHidden();
    await expect(page.getByTestId("user-menu")).toBeVisible();
    await measure();
    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(page.locator("#sidebar")).toBeVisible();
    const links = await page.locator("#sidebar").getByRole("link").all();
    expect(links.length, `${path}: the menu has entries`).toBeGreaterThan(1);
    for (const link of links) {
      const box = await link.boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= 375, `${path}: ${await link.textContent()} is off screen`).toBe(true);
    }
    await measure();
  }
  // Choosing an entry goes there and folds the menu again.
  await page.locator("#sidebar").getByRole("link", { name: "Services" }).click();
  await expect(page).toHaveURL(`${server.url}/admin/services`);
  await expect(page.getByTestId("menu-toggle")).toHaveAttribute("aria-expanded", "false");
  // A record's editor with its history, the widest thing an editor opens.
  await open(page, `${server.url}/admin/services`);
  const first = await page.getByTestId("row").first().getAttribute("data-label");
  const editor = await openRecord(page, first!);
  await editor.getByTestId("history").click();
  await expect(editor.getByTestId("history-entries")).toBeVisible();
  await measure();
  expect(tooWide, tooWide.join("\n")).toEqual([]);
});
