import { Page } from "@playwright/test";
import { expect, refused, test } from "./support/test";
import { invite, staffList } from "./support/api";
import { ADMIN, menuAction, openLive, openRecord, signIn, signOutFromMenu } from "./support/courant";

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

  await signOutFromMenu(page);
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
  await expect(page.getByTestId("row").first()).toBeVisible();
  await expect(page.getByTestId("add")).toBeDisabled();
});

test("an operator lands on a page of their own, and is told which pages are not for them", async ({ page, problems, servers }) => {
  const server = await servers.start();
  // The sync centre's data answers 403 (the page asks before it knows the role). The staff
  // socket opens: operators follow the feed of what their role may read (customers' records).
  problems.expect(refused(403));
  const password = await invite(server.url, "olga@courant.test", "operator");
  const sockets: string[] = [];
  page.on("websocket", (ws) => sockets.push(ws.url()));

  // Signing in with the form, nowhere asked for: the desk, not the content pages.
  await page.goto(`${server.url}/signin`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("E-mail").fill("olga@courant.test");
  await page.getByLabel("Mot de passe").fill(password);
  await page.getByRole("button", { name: "Se connecter" }).click();
  await expect(page).toHaveURL(`${server.url}/admin`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("heading", { name: "Tableau de bord" })).toBeVisible();
  await expect(page.getByTestId("orders-today")).toHaveText("0");
  await expect(page.getByTestId("user-role")).toHaveText("opérateur");
  await expect(page.getByTestId("read-only")).toHaveCount(0);
  await expect(page.getByRole("alert")).toHaveCount(0);
  // Live, and it stays live: one socket, no reconnect loop.
  const indicator = page.getByTestId("sync-indicator");
  await expect(indicator).toHaveAttribute("data-status", "live");
  await page.waitForTimeout(3_000);
  await expect(indicator).toHaveAttribute("data-status", "live");
  expect(sockets).toHaveLength(1);
  // The content and the sync centre are not in their menu.
  await expect(page.getByRole("link", { name: "Paramètres" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Webhooks" })).toHaveCount(0);

  // A page that is not for them says so, and leads back to theirs.
  await page.goto(`${server.url}/admin/webhooks`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  const notice = page.getByTestId("not-for-role");
  await expect(notice).toContainText("Cette page n’est pas prévue pour votre rôle (opérateur).");
  await expect(page.getByRole("alert")).toHaveCount(0);
  await notice.getByRole("link", { name: "Aller à ma page" }).click();
  await expect(page).toHaveURL(`${server.url}/admin`);
});

test("an editor sees the members read-only, not a form the server would refuse", async ({ page, problems, servers }) => {
  const server = await servers.start();
  problems.expect(refused(403));
  const password = await invite(server.url, "eddy@courant.test", "editor");
  await signIn(page, server.url, { email: "eddy@courant.test", password });
  await page.goto(`${server.url}/admin/members`);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("not-for-role")).toContainText("(éditeur)");
  await expect(page.getByTestId("invite")).toBeHidden();
});

test("a session ended in another tab: the page says so, keeps what waits, stops retrying, and signs in again to the same page", async ({ browser, problems, servers }) => {
  const server = await servers.start();
  // The socket's reconnection after the sign-out is refused (401) before it opens.
  problems.expect(/WebSocket connection to .* failed/, /net::ERR_INTERNET_DISCONNECTED \(.*\/api\/sync\)/, /status of 401/);
  const context = await browser.newContext();
  const page = await context.newPage();
  await openLive(page, `${server.url}/admin/services`);
  const first = (await page.getByTestId("row").first().getAttribute("data-label"))!;
  const [before] = (await staffList(server.url, "services")).filter((s) => s.name === first);

  // A save waits in the queue (the server cannot be reached for now).
  await page.route("**/api/sync", (route) => route.abort("internetdisconnected"));
  await menuAction(await openRecord(page, first), "toggle-published");
  await expect(page.getByTestId("sync-indicator")).toContainText("1 en attente");

  // Signed out in another tab of the same browser.
  const other = await context.newPage();
  await openLive(other, `${server.url}/admin/settings`);
  await signOutFromMenu(other);
  await expect(other).toHaveURL(`${server.url}/signin`);

  const dialog = page.getByTestId("session-ended");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("Session terminée");
  await expect(page.getByTestId("sync-indicator")).toHaveAttribute("data-status", "session-ended");
  await page.unroute("**/api/sync");
  await expect(dialog.getByTestId("session-pending")).toContainText("1 modification");
  // No retry loop: the page stops knocking.
  let attempts = 0;
  page.on("websocket", () => attempts++);
  await page.waitForTimeout(4_000);
  expect(attempts).toBe(0);

  // Signing in again comes back here, and what waited is sent.
  await dialog.getByTestId("sign-in-again").click();
  await expect(page).toHaveURL(/\/signin\?next=%2Fadmin%2Fservices/);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.locator("#password").press("Enter");
  await expect(page).toHaveURL(new RegExp(`${server.url}/admin/services`));
  await expect(page.getByTestId("sync-indicator")).not.toContainText("en attente", { timeout: 15_000 });
  const [after] = (await staffList(server.url, "services")).filter((s) => s.name === first);
  expect(after.published).toBe(!before.published);
});
