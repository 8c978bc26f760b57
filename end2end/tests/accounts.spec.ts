import { Page } from "@playwright/test";
import { expect, refused, test } from "./support/test";
import { invite } from "./support/api";
import { ADMIN, openLive, signIn } from "./support/courant";

async function signInWithForm(page: Page, email: string, password: string) {
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.getByTestId("sign-in").click();
}

test("sign in, edit, sign out", async ({ page, servers }) => {
  const server = await servers.start();
  // The backoffice sends a visitor to sign in, and back afterwards.
  await page.goto(`${server.url}/admin/team`);
  await expect(page).toHaveURL(/\/signin\?next=%2Fadmin%2Fteam$/);
  await signInWithForm(page, ADMIN.email, ADMIN.password);
  await expect(page).toHaveURL(`${server.url}/admin/team`);
  await expect(page.getByTestId("user-email")).toHaveText(ADMIN.email);
  await expect(page.getByTestId("user-role")).toHaveText("administrateur");

  await openLive(page, `${server.url}/admin/settings`);
  const tagline = `Signed-in edit ${Date.now()}`;
  await page.locator("#tagline").fill(tagline);
  await page.getByTestId("save").click();
  await expect(page.getByTestId("toast").filter({ hasText: /^Enregistré\./ })).toBeVisible();

  // The history names who saved it.
  const history = await page.context().request.post(`${server.url}/api/history`, {
    form: { collection: "site_settings", id: "main" },
  });
  expect((await history.json())[0].actor).toBe(ADMIN.email);

  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(`${server.url}/signin`);
  const signedOut = await page.context().request.post(`${server.url}/api/settings/edit`);
  expect(signedOut.status()).toBe(401);
  await page.goto(`${server.url}/admin/settings`);
  await expect(page).toHaveURL(/\/signin/);
});

test("a wrong password says so, and too many tries are throttled", async ({ page, problems, servers }) => {
  const server = await servers.start();
  problems.expect(refused(401), refused(429));
  await page.goto(`${server.url}/signin`);
  await signInWithForm(page, ADMIN.email, "not the password");
  await expect(page.getByTestId("signin-error")).toHaveText("E-mail ou mot de passe incorrect. Vérifiez les deux, puis réessayez.");
  for (let i = 0; i < 4; i++) {
    await page.getByTestId("sign-in").click();
    await expect(page.getByTestId("sign-in")).toBeEnabled();
  }
  // Now even the right password waits.
  await page.locator("#password").fill(ADMIN.password);
  await page.getByTestId("sign-in").click();
  await expect(page.getByTestId("signin-error")).toContainText("Trop de tentatives de connexion échouées. Patientez 15 minutes");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a supervisor sees the editors read-only", async ({ page, servers }) => {
  const server = await servers.start();
  const password = await invite(server.url, "sam@courant.test", "supervisor");
  await signIn(page, server.url, { email: "sam@courant.test", password });
  await openLive(page, `${server.url}/admin/settings`);
  await expect(page.getByTestId("read-only")).toContainText("en tant que superviseur, vous pouvez consulter");
  await expect(page.locator("#tagline")).toBeDisabled();
  await expect(page.getByTestId("save")).toBeDisabled();
  // The server refuses a write even if the page were changed to send one.
  const res = await page.context().request.post(`${server.url}/api/settings/save`, {
    data: { edit: { id: "main", base_version: 0, changes: { tagline: { from: "", to: "x" } } } },
  });
  expect(res.status()).toBe(403);
  await openLive(page, `${server.url}/admin/services`);
  await expect(page.getByTestId("card").first()).toBeVisible();
  await expect(page.getByTestId("add")).toBeDisabled();
});

test("an operator is refused the sync centre", async ({ page, problems, servers }) => {
  const server = await servers.start();
  // The page answers 403. The staff socket opens: operators follow the feed of what their
  // role may read (customers' records), so it is no console error.
  problems.expect(refused(403));
  const password = await invite(server.url, "olga@courant.test", "operator");
  await signIn(page, server.url, { email: "olga@courant.test", password });
  await page.goto(`${server.url}/admin/webhooks`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("alert").filter({ hasText: "Vous n’avez pas l’autorisation de faire cela." })).toBeVisible();
  await expect(page.getByTestId("user-role")).toHaveText("opérateur");
  await expect(page.getByRole("link", { name: "Webhooks" })).toHaveCount(0);
});
