// Saves made offline wait in the browser's queue and are sent, in order, when the connection
// returns; the indicator follows the browser's connectivity at once (app/src/client/socket.rs,
// app/src/client/sync.rs).
import { Page } from "@playwright/test";
import { expect, socketDown, test } from "./support/test";
import { publicSettings, staffList, syncRecord } from "./support/api";
import { closeEditor, openLive, openRecord, row, signOutFromMenu } from "./support/courant";

const QUEUED = "Hors ligne : la modification est gardée et sera envoyée dès le retour de la connexion.";

/** Every toast and inline error the page shows, kept for a check at the end: none may be an error. */
async function recordMessages(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = ((window as any).__errorsShown = []);
    new MutationObserver(() => {
      for (const el of document.querySelectorAll('[data-testid="toast"][data-kind="error"], .form-error, [role="alert"]')) {
        const text = el.textContent?.trim();
        if (text && !seen.includes(text)) seen.push(text);
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
}
const errorsShown = (page: Page): Promise<string[]> => page.evaluate(() => (window as any).__errorsShown);

test("saves made offline are kept, then delivered in order when the connection returns", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const bread = await syncRecord(server.url, "services", "create", { name: "Bread", description: "v1", price_cents: 300, published: true });
  const buns = await syncRecord(server.url, "services", "create", { name: "Buns", description: "v1", price_cents: 200, published: true });
  // Another open page, whose socket shows the order changes are committed in.
  const visitor = await (await browser.newContext()).newPage();
  const frames: string[] = [];
  visitor.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload))));
  await openLive(visitor, `${server.url}/services`);

  const settingsContext = await browser.newContext();
  const settings = await settingsContext.newPage();
  const servicesContext = await browser.newContext();
  const services = await servicesContext.newPage();
  await openLive(settings, `${server.url}/admin/settings`);
  await openLive(services, `${server.url}/admin/services`);
  await recordMessages(settings);
  await recordMessages(services);

  await settingsContext.setOffline(true);
  await servicesContext.setOffline(true);
  // The browser's own word, at once: not after the socket's silence.
  await expect(settings.getByTestId("sync-indicator")).toHaveAttribute("data-status", "offline", { timeout: 2_000 });
  await expect(services.getByTestId("sync-indicator")).toHaveAttribute("data-status", "offline", { timeout: 2_000 });
  await expect(services.getByTestId("sync-indicator")).toContainText("Hors ligne");

  await settings.locator("#tagline").fill("Baked while offline");
  await settings.getByTestId("save").click();
  await expect(settings.getByTestId("toast").filter({ hasText: QUEUED })).toBeVisible();
  await expect(settings.getByTestId("sync-indicator")).toContainText("1 en attente");

  let editor = await openRecord(services, "Bread");
  await editor.locator('textarea[name="description"]').fill("Bread, offline");
  await editor.getByTestId("save-item").click();
  await expect(editor.getByTestId("save-status")).toHaveText("En attente d’envoi");
  await closeEditor(services);
  editor = await openRecord(services, "Buns");
  await editor.locator('textarea[name="description"]').fill("Buns, offline");
  await editor.getByTestId("save-item").click();
  await expect(services.getByTestId("sync-indicator")).toContainText("2 en attente");
  // What the editor typed stays on screen while it waits, and each row says it waits.
  await expect(editor.locator('textarea[name="description"]')).toHaveValue("Buns, offline");
  await closeEditor(services);
  await expect(row(services, "Bread").getByTestId("row-pending")).toHaveText("en attente");
  await expect(row(services, "Buns").getByTestId("row-pending")).toHaveText("en attente");
  editor = await openRecord(services, "Bread");
  await expect(editor.locator('textarea[name="description"]')).toHaveValue("Bread, offline");
  expect((await publicSettings(server.url)).record.tagline).not.toBe("Baked while offline");
  expect((await staffList(server.url, "services")).map((s) => s.description)).toEqual(["v1", "v1"]);

  await servicesContext.setOffline(false);
  await settingsContext.setOffline(false);
  for (const page of [settings, services]) {
    await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live", { timeout: 5_000 });
    await expect(page.getByTestId("sync-indicator")).not.toContainText("en attente");
    await expect(page.getByTestId("sync-indicator")).not.toContainText("échec");
  }
  await expect(visitor.getByTestId("public-card").filter({ hasText: "Bread, offline" })).toHaveCount(1);
  await expect(visitor.getByTestId("public-card").filter({ hasText: "Buns, offline" })).toHaveCount(1);
  expect((await publicSettings(server.url)).record.tagline).toBe("Baked while offline");
  // The form took the stored version: nothing left to save.
  await expect(settings.getByTestId("dirty")).toHaveText("");

  // Bread was saved before Buns, and so it was committed.
  const services_changed = frames
    .map((f) => JSON.parse(f))
    .filter((m) => m.type === "change" && m.event?.collection === "services")
    .map((m) => m.event.record_id);
  expect(services_changed).toEqual([bread.record.id, buns.record.id]);

  expect(await errorsShown(settings)).toEqual([]);
  expect(await errorsShown(services)).toEqual([]);
});

test("a reload with the server out of reach shows the backoffice page and what waits, not the browser's error page", async ({ browser, problems, servers }) => {
  problems.expect(socketDown, /ERR_CONNECTION_REFUSED/, /FetchEvent/);
  const server = await servers.startEmpty();
  const bread = await syncRecord(server.url, "services", "create", { name: "Bread", description: "v1", price_cents: 300, published: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLive(page, `${server.url}/admin/services`);
  // The service worker controls the page and keeps a copy of it and of its code.
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 10_000 }).toBe(true);
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open("courant-v1")).keys()).map((r) => new URL(r.url).pathname)), { timeout: 10_000 })
    .toEqual(expect.arrayContaining(["/admin/services", expect.stringMatching(/^\/pkg\/courant\.[\w-]{22}\.wasm$/)]));

  // The server goes away; a save waits in the queue.
  await server.stop();
  const editor = await openRecord(page, "Bread");
  await editor.locator('textarea[name="description"]').fill("Baked while the server was away");
  await editor.getByTestId("save-item").click();
  await expect(page.getByTestId("sync-indicator")).toContainText("1 en attente");
  await closeEditor(page);

  // Reloaded: the page comes back from the worker's copy, with its queue and its draft.
  await page.reload();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Services");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", /reconnecting|offline/);
  await expect(page.getByTestId("sync-indicator")).toContainText("1 en attente");
  await expect(row(page, "Bread")).toHaveAttribute("data-pending", "true");
  await expect(row(page, "Bread").getByTestId("row-edited")).toBeVisible();

  // The server is back: what waited is sent, once.
  await server.start();
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live", { timeout: 20_000 });
  await expect(page.getByTestId("sync-indicator")).not.toContainText("en attente", { timeout: 20_000 });
  const [stored] = await staffList(server.url, "services");
  expect([stored.id, stored.description, stored.version]).toEqual([bread.record.id, "Baked while the server was away", 2]);

  // Signing out forgets the copies of backoffice pages (the code may be fetched again).
  await signOutFromMenu(page);
  await expect(page).toHaveURL(/\/signin/);
  await expect
    .poll(() => page.evaluate(async () => (await (await caches.open("courant-v1")).keys()).map((r) => new URL(r.url).pathname).filter((p) => p.startsWith("/admin"))))
    .toEqual([]);
});

test("the worker keeps one build's copy of each file: an earlier build's goes when this one's is kept", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLive(page, `${server.url}/admin/services`);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 10_000 }).toBe(true);
  const cached = () => page.evaluate(async () => (await (await caches.open("courant-v1")).keys()).map((r) => new URL(r.url).pathname));
  const current = /^\/pkg\/courant\.[\w-]{22}\.wasm$/;
  await expect.poll(cached, { timeout: 10_000 }).toEqual(expect.arrayContaining([expect.stringMatching(current)]));

  // A copy left by an earlier build (another hash), then the page loaded again.
  const earlier = "/pkg/courant.AAAAAAAAAAAAAAAAAAAAAA.wasm";
  await page.evaluate(async (p) => (await caches.open("courant-v1")).put(p, new Response("an earlier build")), earlier);
  expect(await cached()).toContain(earlier);
  await page.reload();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect.poll(cached, { timeout: 10_000 }).not.toContain(earlier);
  expect((await cached()).filter((p) => current.test(p))).toHaveLength(1);
  await context.close();
});
