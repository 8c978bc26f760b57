// The backoffice, sign-in and invitation pages are lazy routes (app/src/widgets/lazy_page.rs):
// their code is in one chunk, split_backoffice.wasm, that a public visitor never downloads, and
// a page whose chunk cannot be downloaded says so, with a retry, instead of leaving a dead page.
import type { Locator, Page } from "@playwright/test";
import { expect, test, type Problems, type Servers } from "./support/test";
import { openLive, signIn } from "./support/courant";

const CHUNK = "/pkg/split_backoffice.wasm";

// The backoffice's service worker fetches /pkg files itself once it controls the page, and a
// worker's requests are not the page's: `page.route` could not cut the chunk off. These tests
// are about the page's own handling of a failed chunk, so they run without the worker.
test.use({ serviceWorkers: "block" });

/** A signed-in browser that cannot download the backoffice's chunk until `unblock()`. */
async function backofficeChunkBlocked(page: Page, servers: Servers, problems: Problems) {
  problems.expect(/Failed to load resource/, /split/i);
  const server = await servers.start();
  await signIn(page, server.url);
  let offline = true;
  await page.route(`**${CHUNK}`, (route) => (offline ? route.abort("internetdisconnected") : route.continue()));
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

test("a public visitor downloads no backoffice code; the backoffice downloads it once", async ({ page, servers }) => {
  const server = await servers.start();
  const fetched: string[] = [];
  page.on("response", (res) => fetched.push(new URL(res.url()).pathname));
  await openLive(page, `${server.url}/`);
  await openLive(page, `${server.url}/team`);
  expect(fetched.some((p) => p.endsWith(".wasm"))).toBe(true);
  expect(fetched.filter((p) => /\/pkg\/(split|chunk)_/.test(p))).toEqual([]);

  await openLive(page, `${server.url}/admin/settings`);
  expect(fetched.filter((p) => p === CHUNK)).toHaveLength(1);
  // Moving to another backoffice page in the page needs nothing more: no reload, no download.
  await page.getByRole("link", { name: "Membres" }).click();
  await expect(page.getByTestId("member").first()).toBeVisible();
  expect(fetched.filter((p) => p === CHUNK)).toHaveLength(1);
});

test("a page whose chunk cannot be downloaded says so, and its retry brings the page", async ({ page, servers, problems }) => {
  const { server, unblock } = await backofficeChunkBlocked(page, servers, problems);
  // From the public site into the backoffice, inside the page: the router asks for the chunk.
  await openLive(page, `${server.url}/`);
  await page.getByRole("link", { name: "Backoffice" }).click();
  const failed = await expectChunkFailed(page);
  await expect(page).toHaveURL(`${server.url}/admin/settings`);

  unblock();
  await failed.getByRole("button", { name: "Réessayer" }).click();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.locator("#company_name")).toBeVisible();
  await expect(page.getByTestId("chunk-failed")).toHaveCount(0);
});

test("a page opened directly whose chunk cannot be downloaded says so above the page, and its retry brings it", async ({ page, servers, problems }) => {
  const { server, unblock } = await backofficeChunkBlocked(page, servers, problems);

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
