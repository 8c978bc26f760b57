import { expect, refused, socketDown, test } from "./support/test";
import { publicSettings, setField } from "./support/api";
import { expectNotReloaded, markNoReload, openLive, saveField } from "./support/courant";
import { freshDatabase } from "./support/server";

test.describe("live site settings", () => {
  test("an editor's save reaches an open public page live, without a reload", async ({ browser, servers }) => {
    const server = await servers.start();
    const visitor = await (await browser.newContext()).newPage();
    const editor = await (await browser.newContext()).newPage();

    await openLive(visitor, `${server.url}/`);
    await expect(visitor.getByTestId("company-name")).toHaveText("Boulangerie Courant");
    await markNoReload(visitor);
    // Note, in the visitor's own clock, when the tagline text changes.
    await visitor.evaluate(() => {
      const el = document.querySelector('[data-testid="tagline"]')!;
      new MutationObserver(() => ((window as any).__changedAt ??= Date.now())).observe(el, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });

    await openLive(editor, `${server.url}/admin/settings`);
    const tagline = `Fresh from the oven ${Date.now()}`;
    const clickedAt = await saveField(editor, "tagline", tagline);

    await expect(visitor.getByTestId("tagline")).toHaveText(tagline);
    await expectNotReloaded(visitor);
    await expect(visitor.getByTestId("sync-indicator")).toHaveAttribute("data-status", "live");
    await expect(visitor.getByTestId("sync-ago")).toHaveText(/mis à jour (à l’instant|il y a \d+ s)/);
    await expect(editor.getByTestId("version")).toContainText("Version 2");

    const changedAt: number = await visitor.evaluate(() => (window as any).__changedAt);
    const latency = changedAt - clickedAt;
    expect(latency).toBeGreaterThanOrEqual(0);
    test.info().annotations.push({ type: "save-to-visitor-ms", description: String(latency) });
    console.log(`save → public page update: ${latency} ms`);
  });

  test("after the server restarts, the page reconnects and catches up on what it missed", async ({ browser, problems, servers }) => {
    problems.expect(socketDown);
    const database = freshDatabase();
    const server = await servers.start(database);
    const visitor = await (await browser.newContext()).newPage();
    await openLive(visitor, `${server.url}/`);
    await markNoReload(visitor);
    const indicator = visitor.getByTestId("sync-indicator");

    await server.stop();
    await expect(indicator).toHaveAttribute("data-status", /reconnecting|offline/);

    // While this visitor is cut off, a change is committed by another server process on the
    // same database: the visitor can only learn of it by resuming from the change log.
    const other = await servers.start(database);
    const missed = `Changed while you were away ${Date.now()}`;
    await setField(other.url, "tagline", missed);
    await other.stop();
    await expect(visitor.getByTestId("tagline")).not.toHaveText(missed);

    await server.start();
    await expect(indicator).toHaveAttribute("data-status", "live", { timeout: 20_000 });
    await expect(visitor.getByTestId("tagline")).toHaveText(missed);
    await expectNotReloaded(visitor);

    // And it is live again afterwards.
    await setField(server.url, "tagline", "Back to normal");
    await expect(visitor.getByTestId("tagline")).toHaveText("Back to normal");
  });

  test("two editors changing the same field get a conflict, not a silent overwrite", async ({ browser, problems, servers }) => {
    const server = await servers.start();
    problems.expect(refused(409));
    const alice = await (await browser.newContext()).newPage();
    const bob = await (await browser.newContext()).newPage();
    await openLive(alice, `${server.url}/admin/settings`);
    await openLive(bob, `${server.url}/admin/settings`);

    // Bob starts typing; Alice saves the same field first.
    await bob.locator("#tagline").fill("Bob's tagline");
    await saveField(alice, "tagline", "Alice's tagline");
    // Bob's form takes Alice's version but keeps what Bob is typing.
    await expect(bob.getByTestId("version")).toContainText("Version 2");
    await expect(bob.locator("#tagline")).toHaveValue("Bob's tagline");

    await bob.getByTestId("save").click();
    // Said once, at the field, where the focus goes.
    await expect(bob.getByTestId("tagline-error")).toContainText("Alice's tagline");
    await expect(bob.locator("#tagline")).toBeFocused();
    await expect(bob.getByTestId("form-error")).toBeEmpty();
    await expect(bob.getByTestId("toast").filter({ hasText: "Non enregistré" })).toHaveCount(0);
    expect((await publicSettings(server.url)).record.tagline).toBe("Alice's tagline");

    // Bob has seen Alice's value; saving again keeps his on purpose.
    await bob.getByTestId("save").click();
    await expect(bob.getByTestId("toast").filter({ hasText: /^Enregistré\./ })).toBeVisible();
    await expect(alice.locator("#tagline")).toHaveValue("Bob's tagline");
  });
});

test.describe("backoffice form", () => {
  test("bad input shows what to fix next to each field, once, is never sent, and loses nothing", async ({ page, servers }) => {
    const server = await servers.start();
    await openLive(page, `${server.url}/admin/settings`);
    const before = await publicSettings(server.url);
    let sent = 0;
    page.on("request", (r) => { if (r.url().endsWith("/api/settings/save")) sent++; });

    await page.locator("#company_name").fill("");
    await page.locator("#email").fill("not an email");
    await page.getByTestId("save").click();

    await expect(page.getByTestId("company_name-error")).toHaveText("Nom de l’entreprise est obligatoire.");
    await expect(page.getByTestId("email-error")).toHaveText("Saisissez une adresse e-mail comme nom@exemple.fr.");
    await expect(page.locator("#email")).toHaveAttribute("aria-invalid", "true");
    // A screen reader reads the message with the field: the field names it.
    await expect(page.locator("#email")).toHaveAttribute("aria-describedby", "email-error");
    await expect(page.locator("#email-error")).toHaveText("Saisissez une adresse e-mail comme nom@exemple.fr.");
    // What the editor typed is still there to correct.
    await expect(page.locator("#email")).toHaveValue("not an email");
    await expect(page.getByTestId("dirty")).toHaveText("Modifications non enregistrées");
    expect(await publicSettings(server.url)).toEqual(before);
    // Once, at the fields; the focus on the first; nothing sent.
    await expect(page.locator("#company_name")).toBeFocused();
    await expect(page.getByTestId("form-error")).toBeEmpty();
    await expect(page.getByTestId("toast")).toHaveCount(0);
    expect(sent).toBe(0);

    await page.locator("#company_name").fill(String(before.record.company_name));
    await page.locator("#email").fill("orders@courant.example");
    await page.getByTestId("save").click();
    await expect(page.getByTestId("toast").filter({ hasText: /^Enregistré\./ })).toBeVisible();
    await expect(page.getByTestId("email-error")).toBeEmpty();
  });

  test("the save button is disabled while a save is on its way", async ({ page, servers }) => {
    const server = await servers.start();
    await openLive(page, `${server.url}/admin/settings`);
    await page.route("**/api/settings/save", async (route) => {
      await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    await page.locator("#opening_hours").fill(`Every day ${Date.now()}`);
    const save = page.getByTestId("save");
    await save.click();
    await expect(save).toBeDisabled();
    await expect(save).toHaveText("Enregistrement…");
    await expect(page.getByTestId("sync-indicator")).toContainText("enregistrement…");
    await expect(page.getByTestId("toast").filter({ hasText: /^Enregistré\./ })).toBeVisible();
    await expect(save).toBeEnabled();
    await expect(save).toHaveText("Enregistrer");
  });
});
