import { expect, refused, test } from "./support/test";
import { invite, signedInAs } from "./support/api";
import { ADMIN, openLive, signIn, confirmDialog } from "./support/courant";

test("an admin invites a member, changes their role and removes them", async ({ page, browser, problems, servers }) => {
  const server = await servers.start();
  // A malformed address, a common password, the last admin demoting themselves, a used link;
  // once removed (her session ends), Eve's open page may try its staff socket again and be
  // refused.
  problems.expect(refused(422), refused(410), /WebSocket connection to '.*audience=staff' failed: (.* 403|HTTP Authentication failed)/);
  await openLive(page, `${server.url}/admin/members`);
  const admin = page.locator(`[data-testid=member][data-email="${ADMIN.email}"]`);
  await expect(admin).toContainText("(vous)");

  // A malformed address is refused with what to do, before it is sent (the server refuses it
  // too: server/tests/it/identity/people.rs).
  await expect(page.getByTestId("invite")).toBeDisabled();
  for (const bad of ["not an address", "<script>x</script>@a.com"]) {
    await page.locator("#invite-email").fill(bad);
    await expect(page.getByRole("alert").filter({ hasText: "Saisissez une adresse e-mail, comme nom@exemple.fr." })).toBeVisible();
    await expect(page.getByTestId("invite")).toBeDisabled();
  }

  await page.locator("#invite-email").fill("eve@courant.test");
  await page.locator("#invite-role").selectOption("editor");
  await page.getByTestId("invite").click();
  const link = (await page.getByTestId("invitation-link").textContent())!;
  expect(link).toMatch(new RegExp(`^${server.url}/invite/[0-9a-f]{64}$`));
  // Invited is not a member yet: she answers first.
  await expect(page.locator(`[data-testid=invitation][data-email="eve@courant.test"]`)).toBeVisible();
  const eve = page.locator(`[data-testid=member][data-email="eve@courant.test"]`);
  await expect(eve).toHaveCount(0);

  // Eve opens the link, chooses her own password, and lands in the backoffice as an editor.
  const eveContext = await browser.newContext();
  const evePage = await eveContext.newPage();
  await evePage.goto(link);
  await expect(evePage.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(evePage.getByTestId("invitation")).toContainText("comme éditeur, avec l’adresse eve@courant.test");
  await evePage.locator("#new-password").fill("password123");
  await evePage.getByTestId("accept-invitation").click();
  await expect(evePage.getByTestId("invitation-error")).toContainText("trop courant");
  await evePage.locator("#new-password").fill("eve's own secret phrase");
  await evePage.getByTestId("accept-invitation").click();
  await expect(evePage).toHaveURL(`${server.url}/admin/settings`);
  await expect(evePage.getByTestId("user-role")).toHaveText("éditeur");
  await expect(evePage.locator("#tagline")).toBeEnabled();
  // The link worked once.
  const again = await eveContext.newPage();
  await again.goto(link);
  await expect(again.getByTestId("invitation-error")).toContainText("n’est plus utilisable");
  await again.close();

  await page.reload();
  await expect(eve.getByTestId("role")).toHaveValue("editor");
  await expect(page.getByTestId("invitation")).toHaveCount(0);

  // Made supervisor, her backoffice becomes read-only.
  await eve.getByTestId("role").selectOption("supervisor");
  await expect(eve).toHaveAttribute("data-role", "supervisor");
  await openLive(evePage, `${server.url}/admin/settings`);
  await expect(evePage.getByTestId("read-only")).toContainText("en tant que superviseur");

  // The last admin cannot demote themselves; the page says what to do instead.
  await admin.getByTestId("role").selectOption("editor");
  await expect(admin.getByRole("alert")).toContainText("dernier administrateur de l’organisation. Nommez d’abord quelqu’un d’autre administrateur.");
  await expect(admin.getByTestId("role")).toHaveValue("admin");

  // Removed, her session in this organisation ends.
  await eve.getByTestId("remove-member").click();
  await confirmDialog(page);
  await expect(eve).toHaveCount(0);
  const afterRemoval = await evePage.context().request.post(`${server.url}/api/settings/edit`);
  expect(afterRemoval.status()).toBe(401);
  await eveContext.close();
});

test("a supervisor sees the members but cannot change them", async ({ page, servers }) => {
  const server = await servers.start();
  await invite(server.url, "ed@courant.test", "editor");
  const password = await invite(server.url, "sam@courant.test", "supervisor");
  await signIn(page, server.url, { email: "sam@courant.test", password });
  await openLive(page, `${server.url}/admin/members`);
  await expect(page.getByTestId("member")).toHaveCount(3);
  await expect(page.locator(`[data-testid=member][data-email="ed@courant.test"]`)).toHaveAttribute("data-role", "editor");
  await expect(page.getByTestId("invite")).toBeDisabled();
  await expect(page.getByTestId("role").first()).toBeDisabled();
  await expect(page.getByTestId("remove-member").first()).toBeDisabled();
  const res = await page.context().request.post(`${server.url}/api/members/invite`, {
    data: { email: "x@courant.test", role: "admin" },
  });
  expect(res.status()).toBe(403);
});

test("creating an organisation switches to it, empty and with oneself as admin", async ({ page, servers }) => {
  const server = await servers.start();
  await openLive(page, `${server.url}/admin/account`);
  await page.locator("#org-name").fill("Acme");
  await page.getByTestId("create-org").click();
  await expect(page.getByTestId("org-switcher").locator("option:checked")).toHaveText("Acme");
  await expect(page.getByTestId("orgs")).toContainText("Acme · administrateur · actuelle");

  await openLive(page, `${server.url}/admin/members`);
  await expect(page.getByTestId("member")).toHaveCount(1);
  await openLive(page, `${server.url}/admin/team`);
  await expect(page.getByTestId("row")).toHaveCount(0);

  // Back to the first organisation with the switcher: its content is there again.
  const first = await page.getByTestId("org-switcher").locator("option", { hasNotText: "Acme" }).getAttribute("value");
  await page.getByTestId("org-switcher").selectOption(first!);
  await expect(page.getByTestId("org-switcher").locator("option:checked")).not.toHaveText("Acme");
  await expect(page.getByTestId("row").first()).toBeVisible();
});

test("someone with an account signs in, then accepts an invitation to another organisation", async ({ browser, servers }) => {
  const server = await servers.start();
  // Ana, an editor here, starts an organisation of her own and invites the admin to it.
  const ana = { email: "ana@courant.test", password: await invite(server.url, "ana@courant.test", "editor") };
  const asAna = await signedInAs(server.url, ana);
  const shop = await asAna("/api/auth/organisations/create", new URLSearchParams({ name: "Ana's shop" }));
  await asAna("/api/auth/switch", new URLSearchParams({ org: String(shop.id) }));
  const created = await asAna("/api/members/invite", { email: ADMIN.email, role: "editor" });
  const link = `${server.url}${created.link}`;

  // Signed out, the page asks to sign in first, and comes back.
  const stranger = await (await browser.newContext()).newPage();
  await stranger.goto(link);
  await expect(stranger.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(stranger.getByTestId("invitation")).toContainText(`comme éditeur, avec l’adresse ${ADMIN.email}`);
  await stranger.getByTestId("sign-in-to-accept").click();
  await expect(stranger).toHaveURL(new RegExp(`/signin\\?next=%2Finvite%2F`));
  await stranger.locator("#email").fill(ADMIN.email);
  await stranger.locator("#password").fill(ADMIN.password);
  await stranger.locator("#password").press("Enter");
  await expect(stranger).toHaveURL(link);
  await stranger.getByTestId("accept-invitation").click();
  await expect(stranger).toHaveURL(`${server.url}/admin/settings`);
  await expect(stranger.getByTestId("org-switcher").locator("option:checked")).toHaveText("Ana's shop");
  await expect(stranger.getByTestId("user-role")).toHaveText("éditeur");
});
