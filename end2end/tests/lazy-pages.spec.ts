// The public pages hydrate as islands (app/src/client/islands.rs); the shop's, the cart's and
// the contact form's islands are lazy, their code in split_shop and split_contact
// (app/src/widgets/lazy_island.rs). Every other page hydrates whole, from the app's chunk
// (split_app.wasm), and the backoffice, sign-in and invitation pages are lazy routes
// (app/src/widgets/lazy_page.rs) whose code is in that chunk, but the sync centre's, in
// split_sync. A public visitor of the reading pages downloads none of these, nor the app's
// anywhere on the public site, and a page whose chunk cannot be downloaded tries again, then
// says so, with a retry, instead of leaving a dead page.
import type { Locator, Page } from "@playwright/test";
import { expect, test, type Problems, type Servers } from "./support/test";
import { openLive, signIn } from "./support/courant";

// A page's chunk; its name carries a hash of its content (cargo-leptos's hash-files).
const chunk = (name: string) => new RegExp(`^/pkg/split_${name}\\.[\\w-]{22}\\.wasm$`);

// The backoffice's service worker fetches /pkg files itself once it controls the page, and a
// worker's requests are not the page's: `page.route` could not cut the chunk off. These tests
// are about the page's own handling of a failed chunk, so they run without the worker.
test.use({ serviceWorkers: "block" });

/** A signed-in browser that cannot download the chunk `name` until `unblock()`. */
async function backofficeChunkBlocked(page: Page, servers: Servers, problems: Problems, name: string) {
  const CHUNK = chunk(name);
  problems.expect(/Failed to load resource/, /split/i);
  const server = await servers.start();
  await signIn(page, server.url);
  let offline = true;
  await page.route((url) => CHUNK.test(url.pathname), (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
  return { server, unblock: () => (offline = false) };
}

/** The notice a page whose chunk failed shows, announced, in French. */
async function expectChunkFailed(page: Page): Promise<Locator> {
  const failed = page.getByTestId("chunk-failed");
  await expect(failed).toBeVisible();
  await expect(failed).toHaveAttribute("role", "alert");
  await expect(failed).toContainText("n’a pas pu être téléchargée");
  return failed;
}

test("a public visitor downloads no backoffice code; a backoffice page downloads the app's, once, and the sync centre's only there", async ({ page, servers }) => {
  const server = await servers.start();
  const fetched: string[] = [];
  page.on("response", (res) => fetched.push(new URL(res.url()).pathname));
  await openLive(page, `${server.url}/`);
  await openLive(page, `${server.url}/team`);
  expect(fetched.some((p) => p.endsWith(".wasm"))).toBe(true);
  expect(fetched.filter((p) => /\/pkg\/(split|chunk)_/.test(p))).toEqual([]);

  const count = (name: string) => fetched.filter((p) => chunk(name).test(p)).length;
  await openLive(page, `${server.url}/admin/settings`);
  expect(count("app")).toBe(1);
  // Other backoffice pages in the page need nothing more: no reload, no download.
  await page.locator("#sidebar").getByRole("link", { name: "Services" }).click();
  await expect(page).toHaveURL(`${server.url}/admin/services`);
  await expect(page.getByTestId("row").first()).toBeVisible();
  await page.getByRole("link", { name: "Membres" }).click();
  await expect(page.getByTestId("member").first()).toBeVisible();
  expect(count("app")).toBe(1);
  expect(count("sync")).toBe(0);
  // The sync centre downloads its own chunk, once.
  await page.locator(`#sidebar a[href="/synchronisation"]`).click();
  await expect(page).toHaveURL(`${server.url}/synchronisation`);
  await expect.poll(() => count("sync")).toBe(1);
  expect(count("app")).toBe(1);
});

test("the shop, the cart and the contact form download their own chunk, never the app's; a link from the app to the site loads the page", async ({ page, servers }) => {
  const server = await servers.start();
  const fetched: string[] = [];
  page.on("response", (res) => fetched.push(new URL(res.url()).pathname));
  const count = (name: string) => fetched.filter((p) => chunk(name).test(p)).length;
  await openLive(page, `${server.url}/boutique`);
  await expect(page.getByTestId("add-to-cart").first()).toBeEnabled();
  await openLive(page, `${server.url}/panier`);
  expect(count("shop")).toBe(2);
  await openLive(page, `${server.url}/contact`);
  expect(count("contact")).toBe(1);
  expect(count("app")).toBe(0);
  expect(count("sync")).toBe(0);

  // The sign-in page is the app's; its brand links to the site, which the server renders.
  await page.goto(`${server.url}/signin`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  expect(count("app")).toBe(1);
  await page.locator(".auth-header a.brand").click();
  await expect(page).toHaveURL(`${server.url}/`);
  await expect(page.locator("body")).toHaveAttribute("data-islands", "");
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");
  // One step back is the sign-in page again (the page load took the router's entry).
  await page.goBack();
  await expect(page).toHaveURL(`${server.url}/signin`);
  await expect(page.locator("#email")).toBeVisible();
});

test("a public page whose island's chunk cannot be downloaded stays readable, says so, and its retry brings it", async ({ page, servers, problems }) => {
  problems.expect(/Failed to load resource/, /split/i);
  const server = await servers.start();
  let offline = true;
  await page.route((url) => chunk("shop").test(url.pathname), (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
  await page.goto(`${server.url}/boutique`);
  const failed = await expectChunkFailed(page);
  // The server's cards are there to read.
  await expect(page.getByTestId("public-card").first()).toBeVisible();
  await expect(page.locator("#root")).not.toHaveAttribute("data-hydrated", "true");

  offline = false;
  await failed.getByRole("link", { name: "Réessayer" }).click();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("chunk-failed")).toHaveCount(0);
  await page.getByTestId("add-to-cart").first().click();
  await expect(page.getByTestId("cart-count")).toHaveText("1");
});

test("a page whose chunk cannot be downloaded says so, and its retry brings the page", async ({ page, servers, problems }) => {
  const { server, unblock } = await backofficeChunkBlocked(page, servers, problems, "sync");
  // From the backoffice into the sync centre, inside the page: the router asks for the
  // chunk. (A link from the public site is a page load: the public pages are islands.)
  await openLive(page, `${server.url}/admin/members`);
  await page.locator(`#sidebar a[href="/synchronisation"]`).click();
  const failed = await expectChunkFailed(page);
  await expect(page).toHaveURL(`${server.url}/synchronisation`);

  unblock();
  await failed.getByRole("button", { name: "Réessayer" }).click();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(page.getByTestId("chunk-failed")).toHaveCount(0);
});

test("a page opened directly whose chunk cannot be downloaded says so above the page, and its retry brings it", async ({ page, servers, problems }) => {
  const { server, unblock } = await backofficeChunkBlocked(page, servers, problems, "app");

  await page.goto(`${server.url}/admin/members`);
  const failed = await expectChunkFailed(page);
  // The page the server sent stays readable under the notice.
  await expect(page.getByTestId("member").first()).toBeVisible();

  unblock();
  await failed.getByRole("link", { name: "Réessayer" }).click();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");
  await expect(page.getByTestId("chunk-failed")).toHaveCount(0);
});

// Every lazy page, opened directly with each of its code's files failing once: the page tries
// again and hydrates, with no notice (a flaky network costs a moment, not the page).
const LAZY_PAGES = [
  "/admin", "/admin/settings", "/admin/team", "/admin/services", "/admin/solutions",
  "/admin/products", "/admin/prospects", "/admin/orders", "/admin/members", "/admin/webhooks",
  "/admin/booking", "/admin/design", "/admin/account", "/synchronisation",
  "/synchronisation/logs", "/synchronisation/backups", "/synchronisation/config",
  "/synchronisation/stats", "/contact", "/boutique", "/shop", "/panier",
];

test("every lazy page hydrates when its code fails to download once", async ({ page, servers, problems }) => {
  test.setTimeout(180_000);
  problems.expect(/Failed to load resource/, /split/i);
  const server = await servers.start();
  await signIn(page, server.url);
  let failedOnce = new Set<string>();
  const cut: string[] = [];
  await page.route(/\/pkg\/(split|chunk)_[^/]*\.wasm$/, (route) => {
    const file = new URL(route.request().url()).pathname;
    if (failedOnce.has(file)) return route.continue();
    failedOnce.add(file);
    cut.push(file);
    return route.abort("internetdisconnected");
  });
  for (const path of LAZY_PAGES) {
    failedOnce = new Set();
    await openLive(page, `${server.url}${path}`);
    await expect(page.getByTestId("chunk-failed"), path).toHaveCount(0);
  }
  // Each page's own chunk was among those cut.
  expect(cut.filter((f) => /split_/.test(f)).length).toBeGreaterThanOrEqual(LAZY_PAGES.length);
});
