import { Page } from "@playwright/test";
import { expect, refused, test } from "./support/test";
import { staffList, syncRecord } from "./support/api";
import { expectNotReloaded, markNoReload, openLive } from "./support/courant";

const card = (page: Page, label: string) => page.locator(`[data-testid="card"][data-label="${label}"]`);
const publicCard = (page: Page, text: string) => page.getByTestId("public-card").filter({ hasText: text });

test("a visitor sees services appear, change and disappear live; a draft never reaches them", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const visitor = await (await browser.newContext()).newPage();
  const editor = await (await browser.newContext()).newPage();
  // Everything the visitor's browser receives on its live socket.
  const frames: string[] = [];
  visitor.on("websocket", (ws) => ws.on("framereceived", (f) => frames.push(String(f.payload))));

  await openLive(visitor, `${server.url}/services`);
  await markNoReload(visitor);
  await openLive(editor, `${server.url}/admin/services`);

  // A draft: created unpublished.
  await editor.getByTestId("add").click();
  const fresh = editor.locator('[data-testid="card"][data-new="true"]');
  await fresh.locator('input[name="name"]').fill("Secret recipe");
  await fresh.locator('textarea[name="description"]').fill("Not ready for the public");
  await fresh.getByTestId("save-item").click();
  await expect(card(editor, "Secret recipe")).toHaveAttribute("data-published", "false");

  // A published service appears for the visitor.
  await editor.getByTestId("add").click();
  await fresh.locator('input[name="name"]').fill("Croissants");
  await fresh.locator('input[name="price_cents"]').fill("1.40");
  await fresh.locator('input[name="price_cents"]').blur();
  await fresh.locator('input[name="published"]').check();
  await fresh.getByTestId("save-item").click();
  // French prices: "1,40 €" (a no-break space before the sign).
  await expect(publicCard(visitor, "Croissants")).toContainText(/1,40\s€/);

  // It changes.
  const croissants = card(editor, "Croissants");
  await croissants.locator('textarea[name="description"]').fill("All butter");
  await croissants.getByTestId("save-item").click();
  await expect(publicCard(visitor, "Croissants")).toContainText("All butter");

  // Unpublished, then deleted: it disappears for the visitor, and stays gone.
  await croissants.getByTestId("toggle-published").click();
  await expect(publicCard(visitor, "Croissants")).toHaveCount(0);
  await croissants.getByTestId("toggle-published").click();
  await expect(publicCard(visitor, "Croissants")).toHaveCount(1);
  editor.once("dialog", (d) => d.accept());
  await croissants.getByTestId("delete").click();
  await expect(publicCard(visitor, "Croissants")).toHaveCount(0);
  await expect(card(editor, "Croissants")).toHaveCount(0);

  // Brought back from "Recently deleted": it reappears for the visitor.
  await editor.getByTestId("show-deleted").click();
  await editor.getByTestId("deleted-list").locator('li[data-label="Croissants"]').getByTestId("restore-deleted").click();
  await expect(publicCard(visitor, "Croissants")).toContainText("All butter");
  await expect(card(editor, "Croissants")).toHaveCount(1);

  await expectNotReloaded(visitor);
  await expect(publicCard(visitor, "Secret recipe")).toHaveCount(0);
  const all = frames.join("\n");
  expect(all).toContain("Croissants");
  expect(all).not.toContain("Secret recipe");
  expect(all).not.toContain("Not ready for the public");
});

test("two editors: different fields both survive; the same field asks the second which to keep", async ({ browser, problems, servers }) => {
  const server = await servers.startEmpty();
  problems.expect(refused(409));
  await syncRecord(server.url, "services", "create", { name: "Bread", description: "Plain", price_cents: 100, published: true });
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await openLive(alice, `${server.url}/admin/services`);
  await openLive(bob, `${server.url}/admin/services`);
  const aliceCard = alice.getByTestId("card").first();
  const bobCard = bob.getByTestId("card").first();

  // At the same time: Alice renames, Bob rewrites the description.
  await aliceCard.locator('input[name="name"]').fill("Sourdough");
  await bobCard.locator('textarea[name="description"]').fill("Long fermented");
  await aliceCard.getByTestId("save-item").click();
  await expect(bobCard.locator('input[name="name"]')).toHaveValue("Sourdough");
  await expect(bobCard.locator('textarea[name="description"]')).toHaveValue("Long fermented");
  await bobCard.getByTestId("save-item").click();
  await expect(aliceCard.locator('textarea[name="description"]')).toHaveValue("Long fermented");
  let [stored] = await staffList(server.url, "services");
  expect([stored.name, stored.description]).toEqual(["Sourdough", "Long fermented"]);

  // Both change the description: Alice first.
  await bobCard.locator('textarea[name="description"]').fill("Bob's words");
  await aliceCard.locator('textarea[name="description"]').fill("Alice's words");
  await aliceCard.getByTestId("save-item").click();
  await expect(aliceCard.getByTestId("save-item")).toBeDisabled();
  await bobCard.getByTestId("save-item").click();
  const conflicts = bobCard.getByTestId("conflicts");
  await expect(conflicts).toBeVisible();
  await expect(conflicts.getByTestId("theirs")).toHaveText("Alice's words");
  await expect(conflicts.getByTestId("mine")).toHaveText("Bob's words");
  [stored] = await staffList(server.url, "services");
  expect(stored.description).toBe("Alice's words");

  await conflicts.getByTestId("keep-mine").click();
  await bobCard.getByTestId("save-item").click();
  await expect(bobCard.getByTestId("conflicts")).toHaveCount(0);
  await expect(aliceCard.locator('textarea[name="description"]')).toHaveValue("Bob's words");
  [stored] = await staffList(server.url, "services");
  expect(stored.description).toBe("Bob's words");
});

test("history lists each change and restoring an old version updates every open page", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const created = await syncRecord(server.url, "services", "create", { name: "Bread", description: "v1", price_cents: 100, published: true });
  const id = created.record.id;
  await syncRecord(server.url, "services", "update", { id, base_version: 1, changes: { description: { from: "v1", to: "v2" }, price_cents: { from: 100, to: 120 } } });
  const visitor = await (await browser.newContext()).newPage();
  const editor = await (await browser.newContext()).newPage();
  await openLive(visitor, `${server.url}/services`);
  await expect(publicCard(visitor, "Bread")).toContainText("v2");
  await openLive(editor, `${server.url}/admin/services`);

  const bread = card(editor, "Bread");
  await bread.getByTestId("history").click();
  const entries = bread.getByTestId("history-entries").locator("li");
  await expect(entries).toHaveCount(2);
  await expect(entries.first()).toContainText("Description : v1 → v2");
  // Fields by their labels, values as people write them: money as money, booleans as words.
  await expect(entries.first()).toContainText(/Prix \(€\) : 1,00\s€ → 1,20\s€/);
  await expect(entries.last()).toContainText("Publié : oui");
  for (const internal of ["price_cents", "published", "order", "true"]) {
    await expect(bread.getByTestId("history-entries")).not.toContainText(internal);
  }
  await bread.getByTestId("restore").click();
  await expect(publicCard(visitor, "Bread")).toContainText("v1");
  await expect(bread.locator('textarea[name="description"]')).toHaveValue("v1");
  await expect(entries).toHaveCount(3);
});

test("a save queued while the server cannot be reached survives a reload and is delivered", async ({ browser, problems, servers }) => {
  const server = await servers.startEmpty();
  problems.expect(/net::ERR_INTERNET_DISCONNECTED \(.*\/api\/sync\)/);
  await syncRecord(server.url, "services", "create", { name: "Scones", description: "", price_cents: 300, published: false });
  const visitor = await (await browser.newContext()).newPage();
  const editor = await (await browser.newContext()).newPage();
  await openLive(visitor, `${server.url}/services`);
  await expect(publicCard(visitor, "Scones")).toHaveCount(0);
  await openLive(editor, `${server.url}/admin/services`);

  // The editor's saves cannot get through (a flaky connection); publishing is queued.
  await editor.route("**/api/sync", (route) => route.abort("internetdisconnected"));
  await card(editor, "Scones").getByTestId("toggle-published").click();
  const indicator = editor.getByTestId("sync-indicator");
  await expect(indicator).toContainText("1 en attente");

  // A reload keeps the queue (it lives in the browser's storage) …
  await editor.reload();
  await expect(editor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(indicator).toContainText("1 en attente");
  await expect(publicCard(visitor, "Scones")).toHaveCount(0);

  // … and once saves get through again, it is delivered, once.
  await editor.unroute("**/api/sync");
  await expect(publicCard(visitor, "Scones")).toHaveCount(1, { timeout: 20_000 });
  await expect(indicator).not.toContainText("en attente");
  const [stored] = await staffList(server.url, "services");
  expect([stored.published, stored.version]).toEqual([true, 2]);
});

test("a visitor opening a service's page counts a view; the page stays live", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const created = await syncRecord(server.url, "services", "create", { name: "Brioche", description: "Soft", price_cents: 250, published: true });
  const visitor = await (await browser.newContext()).newPage();
  await openLive(visitor, `${server.url}/services`);
  await publicCard(visitor, "Brioche").getByRole("link", { name: "Brioche" }).click();
  await expect(visitor).toHaveURL(new RegExp(`/services/${created.record.id}$`));
  await expect(visitor.getByTestId("views")).toHaveText("Vu une fois");
  // The same visitor reloading is still one view.
  await visitor.reload();
  await expect(visitor.getByTestId("views")).toHaveText("Vu une fois");
  await expect(visitor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(visitor.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");

  const edit = { id: created.record.id, base_version: 1, changes: { description: { from: "Soft", to: "Soft and golden" } } };
  await syncRecord(server.url, "services", "update", edit);
  await expect(visitor.getByTestId("detail")).toContainText("Soft and golden");
  // The editor's save did not reset the count.
  await expect(visitor.getByTestId("views")).toHaveText("Vu une fois");
});

test("the backoffice list keeps its filter while records change under it", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const draft = await syncRecord(server.url, "services", "create", { name: "Macarons", description: "", price_cents: 90, published: false });
  await syncRecord(server.url, "services", "create", { name: "Baguette", description: "", price_cents: 120, published: true });
  const editor = await (await browser.newContext()).newPage();
  await openLive(editor, `${server.url}/admin/services`);
  await expect(editor.getByTestId("card")).toHaveCount(2);

  await editor.getByTestId("filter").selectOption("drafts");
  await expect(editor.getByTestId("card")).toHaveCount(1);
  await expect(card(editor, "Macarons")).toHaveCount(1);
  // Someone else publishes the draft: it leaves the drafts view live.
  const edit = { id: draft.record.id, base_version: 1, changes: { published: { from: false, to: true } } };
  await syncRecord(server.url, "services", "update", edit);
  await expect(editor.getByTestId("card")).toHaveCount(0);

  await editor.getByTestId("filter").selectOption("published");
  await expect(editor.getByTestId("card")).toHaveCount(2);
});

test("a card the server would refuse cannot be saved: the browser applies the same rules as it types", async ({ page, servers }) => {
  const server = await servers.startEmpty();
  await openLive(page, `${server.url}/admin/services`);
  await page.getByTestId("add").click();
  const fresh = page.locator('[data-testid="card"][data-new="true"]');
  const save = fresh.getByTestId("save-item");
  const price = fresh.locator('input[name="price_cents"]');

  // The model's own rule (a name is required), before anything is sent.
  await expect(fresh.locator(".field-error").filter({ hasText: "Nom est obligatoire." })).toBeVisible();
  await expect(save).toBeDisabled();
  await fresh.locator('input[name="name"]').fill("Éclair");
  await expect(save).toBeEnabled();

  // A price that cannot be read keeps Save off: it never falls back to the last price read.
  for (const bad of ["-5", "abc", "4,505"]) {
    await price.fill(bad);
    await price.blur();
    await expect(fresh.locator(".field-error").filter({ hasText: "Saisissez un prix comme 4,50." })).toBeVisible();
    await expect(price).toHaveAttribute("aria-invalid", "true");
    await expect(save).toBeDisabled();
  }
  await price.fill("4,50");
  await price.blur();
  await expect(save).toBeEnabled();
  await save.click();
  // The feed's created event can arrive before the save's answer: for that moment the draft
  // and the stored card both carry the name, so wait for the draft to go first.
  await expect(fresh).toHaveCount(0);
  await expect(card(page, "Éclair")).toHaveCount(1);
  await expect(card(page, "Éclair")).toHaveAttribute("data-new", "false");
  const [stored] = await staffList(server.url, "services");
  expect([stored.name, stored.price_cents]).toEqual(["Éclair", 450]);
});

test("nothing vanishes: a record deleted or unpublished by someone else keeps the editor's card and text", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const made = await syncRecord(server.url, "services", "create", { name: "Brioche", description: "Au beurre", price_cents: 250, published: true });
  const other = await syncRecord(server.url, "services", "create", { name: "Pain", description: "", price_cents: 120, published: true });
  const editor = await (await browser.newContext()).newPage();
  await openLive(editor, `${server.url}/admin/services`);
  const brioche = card(editor, "Brioche");
  await brioche.locator('textarea[name="description"]').fill("Au beurre de Charentes, dorée");

  // Someone else deletes it: the card stays, with the text and who did it.
  await syncRecord(server.url, "services", "delete", { id: made.record.id });
  await expect(brioche.getByTestId("deleted-under-edit")).toContainText(`Supprimé par ${"admin@courant.test"}`);
  await expect(brioche.locator('textarea[name="description"]')).toHaveValue("Au beurre de Charentes, dorée");
  await expect(brioche.getByTestId("save-item")).toBeHidden();

  // Restoring brings the record back with the editor's changes still to save.
  await brioche.getByTestId("restore-with-edits").click();
  await expect(brioche.getByTestId("deleted-under-edit")).toHaveCount(0);
  await expect(brioche.locator('textarea[name="description"]')).toHaveValue("Au beurre de Charentes, dorée");
  await brioche.getByTestId("save-item").click();
  await expect(brioche.getByTestId("save-item")).toBeDisabled();
  const stored = (await staffList(server.url, "services")).find((s) => s.id === made.record.id);
  expect(stored.description).toBe("Au beurre de Charentes, dorée");

  // Abandoning lets the card go.
  await brioche.locator('textarea[name="description"]').fill("Encore une idée");
  await syncRecord(server.url, "services", "delete", { id: made.record.id });
  await brioche.getByTestId("abandon").click();
  await expect(brioche).toHaveCount(0);

  // Unpublished by someone else under the "published" filter: still shown while edited.
  await editor.getByTestId("filter").selectOption("published");
  const pain = card(editor, "Pain");
  await pain.locator('textarea[name="description"]').fill("Levain");
  const edit = { id: other.record.id, base_version: 1, changes: { published: { from: true, to: false } } };
  await syncRecord(server.url, "services", "update", edit);
  await expect(pain.getByTestId("kept-by-filter")).toBeVisible();
  await expect(pain.locator('textarea[name="description"]')).toHaveValue("Levain");
  await expect(pain).toHaveAttribute("data-published", "false");
});
