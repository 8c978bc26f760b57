// The sign-in and password forms work before the WASM has loaded, and without JavaScript at
// all: they post to their server functions, and no password ever appears in a URL.
import { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { invitationLink } from "./support/api";
import { ADMIN } from "./support/courant";

/** Every URL the page requests or navigates to, to check no secret travels in one. */
function recordUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url()));
  page.on("framenavigated", (f) => urls.push(f.url()));
  return urls;
}

function expectNoSecretIn(urls: string[], secret: string) {
  const decoded = (u: string) => {
    try {
      return decodeURIComponent(u.replace(/\+/g, " "));
    } catch {
      return u;
    }
  };
  expect(urls.filter((u) => decoded(u).includes(secret)), "URLs carrying a password").toEqual([]);
  expect(urls.filter((u) => /[?&]password=/.test(u)), "a password field in a URL").toEqual([]);
}

test("Enter in the sign-in form before the WASM has loaded signs in and comes back", async ({ page, servers }) => {
  const server = await servers.start();
  const urls = recordUrls(page);
  // Hold every WASM download until the form has been sent.
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  await page.route(/\/pkg\/.*\.wasm$/, async (route) => {
    await released;
    await route.continue();
  });

  // The browser posts the form itself: a navigation, not the WASM's fetch.
  const posted = page.waitForRequest((r) => r.url().endsWith("/api/auth/sign_in"));
  await page.goto(`${server.url}/admin/members`, { waitUntil: "domcontentloaded" });
  await expect(page).toHaveURL(`${server.url}/signin?next=%2Fadmin%2Fmembers`);
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "false");
  await page.locator("#password").press("Enter");
  const request = await posted;
  expect([request.method(), request.isNavigationRequest()]).toEqual(["POST", true]);

  await expect(page).toHaveURL(`${server.url}/admin/members`);
  release();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("user-email")).toHaveText(ADMIN.email);
  await expect(page.getByTestId("member")).toHaveCount(1);
  expectNoSecretIn(urls, ADMIN.password);
});

test("without JavaScript: a wrong password says so, the right one signs in, the password changes", async ({ browser, servers }) => {
  const server = await servers.start();
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const urls = recordUrls(page);

  await page.goto(`${server.url}/admin/team`);
  await expect(page).toHaveURL(`${server.url}/signin?next=%2Fadmin%2Fteam`);
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill("a wrong guess");
  await page.locator("#password").press("Enter");
  await expect(page.getByTestId("signin-error")).toHaveText("E-mail ou mot de passe incorrect. Vérifiez les deux, puis réessayez.");
  await expect(page).toHaveURL(`${server.url}/signin?next=%2Fadmin%2Fteam&problem=credentials`);

  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.getByTestId("sign-in").click();
  await expect(page).toHaveURL(`${server.url}/admin/team`);

  const fresh = "a fresh passphrase 2026";
  await page.goto(`${server.url}/admin/account`);
  await page.locator("#current").fill("not my password");
  await page.locator("#new-password").fill(fresh);
  await page.getByTestId("change-password").click();
  await expect(page).toHaveURL(`${server.url}/admin/account?problem=current`);
  await expect(page.locator("label", { has: page.locator("#current") })).toContainText("Ce n’est pas votre mot de passe actuel.");

  await page.locator("#current").fill(ADMIN.password);
  await page.locator("#new-password").fill(fresh);
  await page.getByTestId("change-password").click();
  await expect(page).toHaveURL(`${server.url}/admin/account?changed=password`);
  await expect(page.getByTestId("password-changed")).toHaveText("Mot de passe modifié. Vos autres sessions ont été déconnectées.");

  expectNoSecretIn(urls, ADMIN.password);
  expectNoSecretIn(urls, fresh);
  expectNoSecretIn(urls, "a wrong guess");
  expectNoSecretIn(urls, "not my password");
  await context.close();
});

test("without JavaScript: an invitation is accepted with a password of one's own", async ({ browser, servers }) => {
  const server = await servers.start();
  const link = await invitationLink(server.url, "jo@courant.test", "editor");
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const urls = recordUrls(page);
  await page.goto(`${server.url}${link}`);
  await page.locator("#new-password").fill("short");
  await page.getByTestId("accept-invitation").click();
  await expect(page).toHaveURL(`${server.url}${link}?problem=new`);
  await expect(page.getByTestId("invitation-error")).toContainText("Choisissez un autre mot de passe");
  const mine = "jo chooses this phrase";
  await page.locator("#new-password").fill(mine);
  await page.getByTestId("accept-invitation").click();
  await expect(page).toHaveURL(`${server.url}/admin/settings`);
  expectNoSecretIn(urls, mine);
  expectNoSecretIn(urls, "short");
  await context.close();
});
