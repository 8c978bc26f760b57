// The smoke run: every route of the site hydrates with no page error and no console error
// (the fixture in support/test.ts fails the test on any), signed out and signed in; signing in
// goes through the form; one save shows live on a second page. It runs against the release
// build that `make run` serves, and the debug build.
import { expect, test } from "./support/test";
import { invitationLink } from "./support/api";
import { ADMIN, expectNotReloaded, markNoReload, openLive, saveField } from "./support/courant";
import { BACKOFFICE_PAGES as BACKOFFICE, PUBLIC_PAGES as PUBLIC } from "./support/routes";

test("every page hydrates cleanly, signed out and signed in, and a save shows live elsewhere", async ({ browser, servers }) => {
  // About twenty page loads, each waiting for hydration and the live feed.
  test.slow();
  const server = await servers.start();
  const visitor = await (await browser.newContext()).newPage();
  for (const path of PUBLIC) await openLive(visitor, `${server.url}${path}`);
  // Every detail page of the example content, reached the way a visitor does.
  for (const list of ["/services", "/solutions"]) {
    await openLive(visitor, `${server.url}${list}`);
    const cards = visitor.getByTestId("public-card");
    await expect(cards.first()).toBeVisible();
    const hrefs = await cards.locator("a[href]").evaluateAll((as) => [...new Set(as.map((a) => a.getAttribute("href")!))]);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) {
      await openLive(visitor, `${server.url}${href}`);
      await expect(visitor.getByTestId("detail")).toBeVisible();
    }
  }
  // An invitation's page (no live feed there).
  await visitor.goto(`${server.url}${await invitationLink(server.url, "new@courant.test", "editor")}`);
  await expect(visitor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(visitor.getByTestId("invitation")).toContainText("new@courant.test");

  // Signed out, the backoffice leads to the sign-in form, and back.
  const editor = await (await browser.newContext()).newPage();
  await editor.goto(`${server.url}/admin/members`);
  await expect(editor).toHaveURL(`${server.url}/signin?next=%2Fadmin%2Fmembers`);
  await expect(editor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await editor.locator("#email").fill(ADMIN.email);
  await editor.locator("#password").fill(ADMIN.password);
  await editor.locator("#password").press("Enter");
  await expect(editor).toHaveURL(`${server.url}/admin/members`);
  await expect(editor.getByTestId("user-email")).toHaveText(ADMIN.email);
  // On a wide screen the sidebar is always there: no button folds it.
  await expect(editor.getByTestId("menu-toggle")).toBeHidden();
  await expect(editor.locator("#sidebar").getByRole("link", { name: "Membres" })).toBeVisible();
  for (const path of BACKOFFICE) {
    await openLive(editor, `${server.url}${path}`);
    await expect(editor.getByTestId("user-role")).toHaveText("administrateur");
  }

  await openLive(visitor, `${server.url}/`);
  await markNoReload(visitor);
  await openLive(editor, `${server.url}/admin/settings`);
  const tagline = `Smoke test ${Date.now()}`;
  await saveField(editor, "tagline", tagline);
  await expect(visitor.getByTestId("tagline")).toHaveText(tagline);
  await expectNotReloaded(visitor);
});
