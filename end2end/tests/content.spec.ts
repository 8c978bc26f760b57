import { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { staffList, syncRecord } from "./support/api";
import {
  addRecord, closeEditor, confirmDialog, expectNotReloaded, markNoReload, menuAction, openLive, openRecord, row,
} from "./support/courant";

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

  // A draft: created unpublished. Saved, the drawer holds the stored record.
  let fresh = await addRecord(editor);
  await fresh.locator('input[name="name"]').fill("Secret recipe");
  await fresh.locator('textarea[name="description"]').fill("Not ready for the public");
  await fresh.getByTestId("save-item").click();
  await expect(editor.getByTestId("editor")).toHaveAttribute("data-new", "false");
  await expect(row(editor, "Secret recipe")).toHaveAttribute("data-published", "false");
  await closeEditor(editor);

  // A published service appears for the visitor.
  fresh = await addRecord(editor);
  await fresh.locator('input[name="name"]').fill("Croissants");
  await fresh.locator('input[name="price_cents"]').fill("1.40");
  await fresh.locator('input[name="published"]').check();
  await fresh.getByTestId("save-item").click();
  // French prices: "1,40 €" (a no-break space before the sign).
  await expect(publicCard(visitor, "Croissants")).toContainText(/1,40\s€/);
  await expect(row(editor, "Croissants")).toContainText(/1,40\s€/);

  // It changes.
  const croissants = editor.getByTestId("editor");
  await expect(croissants).toHaveAttribute("data-label", "Croissants");
  await croissants.locator('textarea[name="description"]').fill("All butter");
  await croissants.getByTestId("save-item").click();
  await expect(publicCard(visitor, "Croissants")).toContainText("All butter");

  // Unpublished, then deleted (after a confirmation in the page's own dialog): it
  // disappears for the visitor, and stays gone.
  await menuAction(croissants, "toggle-published");
  await expect(publicCard(visitor, "Croissants")).toHaveCount(0);
  await menuAction(croissants, "toggle-published");
  await expect(publicCard(visitor, "Croissants")).toHaveCount(1);
  await menuAction(croissants, "delete");
  await confirmDialog(editor);
  await expect(publicCard(visitor, "Croissants")).toHaveCount(0);
  await expect(row(editor, "Croissants")).toHaveCount(0);
  await expect(editor.getByTestId("editor")).toHaveCount(0);

  // Brought back from "Recently deleted": it reappears for the visitor.
  await editor.getByTestId("show-deleted").click();
  await editor.getByTestId("deleted-list").locator('li[data-label="Croissants"]').getByTestId("restore-deleted").click();
  await expect(publicCard(visitor, "Croissants")).toContainText("All butter");
  await expect(row(editor, "Croissants")).toHaveCount(1);

  await expectNotReloaded(visitor);
  await expect(publicCard(visitor, "Secret recipe")).toHaveCount(0);
  const all = frames.join("\n");
  expect(all).toContain("Croissants");
  expect(all).not.toContain("Secret recipe");
  expect(all).not.toContain("Not ready for the public");
});

test("two editors: different fields both survive; the same field shows the second a conflict at once", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  await syncRecord(server.url, "services", "create", { name: "Bread", description: "Plain", price_cents: 100, published: true });
  const alice = await (await browser.newContext()).newPage();
  const bob = await (await browser.newContext()).newPage();
  await openLive(alice, `${server.url}/admin/services`);
  await openLive(bob, `${server.url}/admin/services`);
  const aliceEditor = await openRecord(alice, "Bread");
  const bobEditor = await openRecord(bob, "Bread");

  // At the same time: Alice renames, Bob rewrites the description.
  await aliceEditor.locator('input[name="name"]').fill("Sourdough");
  await bobEditor.locator('textarea[name="description"]').fill("Long fermented");
  await aliceEditor.getByTestId("save-item").click();
  await expect(bobEditor.locator('input[name="name"]')).toHaveValue("Sourdough");
  await expect(bobEditor.locator('textarea[name="description"]')).toHaveValue("Long fermented");
  await expect(bobEditor.getByTestId("conflicts")).toHaveCount(0);
  await bobEditor.getByTestId("save-item").click();
  await expect(aliceEditor.locator('textarea[name="description"]')).toHaveValue("Long fermented");
  let [stored] = await staffList(server.url, "services");
  expect([stored.name, stored.description]).toEqual(["Sourdough", "Long fermented"]);

  // Both change the description: as soon as Alice saves, Bob sees both values, and his
  // Save waits for his choice.
  await bobEditor.locator('textarea[name="description"]').fill("Bob's words");
  await aliceEditor.locator('textarea[name="description"]').fill("Alice's words");
  await aliceEditor.getByTestId("save-item").click();
  await expect(aliceEditor.getByTestId("save-item")).toBeDisabled();
  const conflicts = bobEditor.getByTestId("conflicts");
  await expect(conflicts).toBeVisible();
  await expect(conflicts.getByTestId("theirs")).toHaveText("Alice's words");
  await expect(conflicts.getByTestId("mine")).toHaveText("Bob's words");
  await expect(bobEditor.locator('textarea[name="description"]')).toHaveValue("Bob's words");
  await expect(bobEditor.getByTestId("save-item")).toBeDisabled();
  [stored] = await staffList(server.url, "services");
  expect(stored.description).toBe("Alice's words");

  await conflicts.getByTestId("keep-mine").click();
  await expect(bobEditor.getByTestId("conflicts")).toHaveCount(0);
  await bobEditor.getByTestId("save-item").click();
  await expect(aliceEditor.locator('textarea[name="description"]')).toHaveValue("Bob's words");
  [stored] = await staffList(server.url, "services");
  expect(stored.description).toBe("Bob's words");
});

test("a price being typed that someone else saves is a conflict shown in euros, never replaced; Enter and Ctrl+S save", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const made = await syncRecord(server.url, "services", "create", { name: "Tarte", description: "", price_cents: 725, published: true });
  const page = await (await browser.newContext()).newPage();
  await openLive(page, `${server.url}/admin/services`);
  const tarte = await openRecord(page, "Tarte");
  const price = tarte.locator('input[name="price_cents"]');

  // Typing, focus still in the field: the field counts as edited from the first keystroke.
  await price.fill("8,75");
  await expect(price).toBeFocused();
  await expect(tarte).toHaveAttribute("data-dirty", "true");
  await expect(tarte.getByTestId("save-item")).toBeEnabled();
  // A colleague saves another price meanwhile.
  await syncRecord(server.url, "services", "update", { id: made.record.id, base_version: 1, changes: { price_cents: { from: 725, to: 950 } } });
  const conflicts = tarte.getByTestId("conflicts");
  await expect(conflicts).toBeVisible();
  await expect(conflicts).toContainText("Prix (€)");
  await expect(conflicts.getByTestId("theirs")).toHaveText(/^9,50\s€$/);
  await expect(conflicts.getByTestId("mine")).toHaveText(/^8,75\s€$/);
  await expect(conflicts).not.toContainText("price_cents");
  await expect(price).toHaveValue("8,75");
  await expect(tarte.getByTestId("save-item")).toBeDisabled();

  // Keeping mine, then Enter in a field saves it.
  await conflicts.getByTestId("keep-mine").click();
  await tarte.locator('input[name="name"]').press("Enter");
  await expect(tarte).toHaveAttribute("data-dirty", "false");
  let [stored] = await staffList(server.url, "services");
  expect(stored.price_cents).toBe(875);

  // Ctrl+S from a long text saves too.
  await tarte.locator('textarea[name="description"]').fill("Aux pommes");
  await tarte.locator('textarea[name="description"]').press("Control+s");
  await expect(tarte).toHaveAttribute("data-dirty", "false");
  [stored] = await staffList(server.url, "services");
  expect(stored.description).toBe("Aux pommes");
});

test("unsaved drafts survive a reload, for an existing record and a new one, until saved", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  await syncRecord(server.url, "services", "create", { name: "Brioche", description: "Au beurre", price_cents: 250, published: true });
  const page = await (await browser.newContext()).newPage();
  await openLive(page, `${server.url}/admin/services`);
  const brioche = await openRecord(page, "Brioche");
  await brioche.locator('textarea[name="description"]').fill("Au beurre de Charentes");
  await closeEditor(page);
  await expect(row(page, "Brioche").getByTestId("row-edited")).toBeVisible();
  const fresh = await addRecord(page);
  await fresh.locator('input[name="name"]').fill("Kouign-amann");

  await page.reload();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  // The new record's drawer was open: it is again, with its text.
  const restored = page.locator('[data-testid="editor"][data-new="true"]');
  await expect(restored.locator('input[name="name"]')).toHaveValue("Kouign-amann");
  await restored.getByTestId("save-item").click();
  await expect(page.getByTestId("editor")).toHaveAttribute("data-new", "false");
  await expect(row(page, "Kouign-amann")).toHaveCount(1);
  await closeEditor(page);
  // The other draft waits on its row.
  await expect(row(page, "Brioche").getByTestId("row-edited")).toBeVisible();
  const again = await openRecord(page, "Brioche");
  await expect(again.locator('textarea[name="description"]')).toHaveValue("Au beurre de Charentes");
  await again.getByTestId("save-item").click();
  await expect(again).toHaveAttribute("data-dirty", "false");
  await expect(row(page, "Brioche").getByTestId("row-edited")).toHaveCount(0);
  const stored = (await staffList(server.url, "services")).find((s) => s.name === "Brioche");
  expect(stored.description).toBe("Au beurre de Charentes");
  // Nothing left to bring back.
  await page.reload();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("new-drafts")).toHaveCount(0);
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

  const bread = await openRecord(editor, "Bread");
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
  await menuAction(await openRecord(editor, "Scones"), "toggle-published");
  const indicator = editor.getByTestId("sync-indicator");
  await expect(indicator).toContainText("1 en attente");
  await expect(row(editor, "Scones")).toHaveAttribute("data-pending", "true");

  // A reload keeps the queue (it lives in the browser's storage) …
  await editor.reload();
  await expect(editor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(indicator).toContainText("1 en attente");
  await expect(publicCard(visitor, "Scones")).toHaveCount(0);

  // … and once saves get through again, it is delivered, once.
  await editor.unroute("**/api/sync");
  await expect(publicCard(visitor, "Scones")).toHaveCount(1, { timeout: 20_000 });
  await expect(indicator).not.toContainText("en attente");
  await expect(row(editor, "Scones")).toHaveAttribute("data-pending", "false");
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
  await expect(editor.getByTestId("row")).toHaveCount(2);

  await editor.getByTestId("filter").selectOption("drafts");
  await expect(editor.getByTestId("row")).toHaveCount(1);
  await expect(row(editor, "Macarons")).toHaveCount(1);
  // Someone else publishes the draft: it leaves the drafts view live.
  const edit = { id: draft.record.id, base_version: 1, changes: { published: { from: false, to: true } } };
  await syncRecord(server.url, "services", "update", edit);
  await expect(editor.getByTestId("row")).toHaveCount(0);
  await expect(editor.getByTestId("empty")).toContainText("Aucun élément ne correspond");

  await editor.getByTestId("filter").selectOption("published");
  await expect(editor.getByTestId("row")).toHaveCount(2);
  // The search narrows the list as one types.
  await editor.getByTestId("search").fill("bague");
  await expect(editor.getByTestId("row")).toHaveCount(1);
  await expect(row(editor, "Baguette")).toHaveCount(1);
});

test("a record the server would refuse cannot be saved: the browser applies the same rules as it types", async ({ page, servers }) => {
  const server = await servers.startEmpty();
  await openLive(page, `${server.url}/admin/services`);
  const fresh = await addRecord(page);
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
  // Saved, the drawer holds the stored record; the list has it once.
  await expect(fresh).toHaveCount(0);
  await expect(page.getByTestId("editor")).toHaveAttribute("data-label", "Éclair");
  await expect(row(page, "Éclair")).toHaveCount(1);
  const [stored] = await staffList(server.url, "services");
  expect([stored.name, stored.price_cents]).toEqual(["Éclair", 450]);
});

test("nothing vanishes: a record deleted or unpublished by someone else keeps the editor's text", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const made = await syncRecord(server.url, "services", "create", { name: "Brioche", description: "Au beurre", price_cents: 250, published: true });
  const other = await syncRecord(server.url, "services", "create", { name: "Pain", description: "", price_cents: 120, published: true });
  const editor = await (await browser.newContext()).newPage();
  await openLive(editor, `${server.url}/admin/services`);
  const brioche = await openRecord(editor, "Brioche");
  await brioche.locator('textarea[name="description"]').fill("Au beurre de Charentes, dorée");

  // Someone else deletes it: the editor stays open, with the text and who did it.
  await syncRecord(server.url, "services", "delete", { id: made.record.id });
  await expect(brioche.getByTestId("deleted-under-edit")).toContainText(`Supprimé par ${"admin@courant.test"}`);
  await expect(brioche.locator('textarea[name="description"]')).toHaveValue("Au beurre de Charentes, dorée");
  await expect(brioche.getByTestId("save-item")).toBeHidden();

  // "Recréer avec mes modifications": the record is back, with the editor's changes saved.
  await brioche.getByTestId("restore-with-edits").click();
  await expect(brioche.getByTestId("deleted-under-edit")).toHaveCount(0);
  await expect(brioche).toHaveAttribute("data-dirty", "false");
  await expect(brioche.locator('textarea[name="description"]')).toHaveValue("Au beurre de Charentes, dorée");
  const stored = (await staffList(server.url, "services")).find((s) => s.id === made.record.id);
  expect(stored.description).toBe("Au beurre de Charentes, dorée");

  // Abandoning lets it go.
  await brioche.locator('textarea[name="description"]').fill("Encore une idée");
  await syncRecord(server.url, "services", "delete", { id: made.record.id });
  await brioche.getByTestId("abandon").click();
  await expect(editor.getByTestId("editor")).toHaveCount(0);
  await expect(row(editor, "Brioche")).toHaveCount(0);

  // Unpublished by someone else under the "published" filter: still listed while edited.
  await editor.getByTestId("filter").selectOption("published");
  const pain = await openRecord(editor, "Pain");
  await pain.locator('textarea[name="description"]').fill("Levain");
  const edit = { id: other.record.id, base_version: 1, changes: { published: { from: true, to: false } } };
  await syncRecord(server.url, "services", "update", edit);
  await expect(pain.getByTestId("kept-by-filter")).toBeVisible();
  await expect(pain.locator('textarea[name="description"]')).toHaveValue("Levain");
  await expect(pain).toHaveAttribute("data-published", "false");
  await expect(row(editor, "Pain")).toHaveCount(1);
});
