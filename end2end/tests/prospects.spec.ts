// Prospects: a booking arrives on an operator's open page at once (list, toast, bell), once
// whatever the booking tool retries; refusals are listed for the admin; reschedules and
// cancellations update the meeting; two operators' edits merge or meet in the conflict panel.
import { expect, refused, test } from "./support/test";
import { invite, signedInAs, staffList } from "./support/api";
import { bookingUrl, invitee, postBooking } from "./support/booking";
import { openLive, openRecord, row, signIn } from "./support/courant";

test("a booking reaches an operator's open list at once, with a toast and the bell, and only once", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const url = await bookingUrl(server.url);
  const password = await invite(server.url, "olga@courant.test", "operator");
  const operator = await (await browser.newContext()).newPage();
  await signIn(operator, server.url, { email: "olga@courant.test", password });
  await openLive(operator, `${server.url}/admin/prospects`);
  const bell = operator.getByTestId("unseen");
  await expect(bell).toBeHidden();

  const sent = Date.now();
  expect(await postBooking(url, invitee("invitee.created", 1, "jeanne@example.org"))).toBe(200);
  await expect(row(operator, "jeanne@example.org")).toBeVisible();
  const arrived = Date.now() - sent;
  console.log(`booking → operator's list: ${arrived} ms`);
  expect(arrived).toBeLessThan(1_000);
  // At the top, highlighted; a toast in French with its action; the bell counts one.
  await expect(operator.getByTestId("row").first()).toHaveAttribute("data-label", "jeanne@example.org");
  const toast = operator.getByTestId("toast").filter({ hasText: "Nouveau prospect : Jeanne Martin" });
  await expect(toast).toBeVisible();
  await expect(toast.getByRole("button", { name: "Voir le prospect" })).toBeVisible();
  await expect(bell).toHaveText("1");

  // The same event again: 200, no second prospect, the count unchanged.
  expect(await postBooking(url, invitee("invitee.created", 1, "jeanne@example.org"))).toBe(200);
  await operator.waitForTimeout(1_000);
  await expect(operator.getByTestId("row")).toHaveCount(1);
  await expect(bell).toHaveText("1");

  // A new meeting, then its cancellation: the meeting's state follows, the bell counts.
  expect(await postBooking(url, invitee("invitee.created", 2, "jeanne@example.org"))).toBe(200);
  await expect(bell).toHaveText("2");
  const editor = await openRecord(operator, "jeanne@example.org");
  await expect(editor.getByTestId("meetings").locator("li")).toHaveCount(2);
  expect(await postBooking(url, invitee("invitee.canceled", 2, "jeanne@example.org"))).toBe(200);
  await expect(editor.getByTestId("meetings").locator('li[data-status="cancelled"]')).toHaveCount(1);
  await expect(bell).toHaveText("3");
  // A reschedule: the old meeting says so, the new one is planned.
  const moved = invitee("invitee.canceled", 1, "jeanne@example.org", "Jeanne Martin", { rescheduled: true });
  expect(await postBooking(url, moved)).toBe(200);
  const replacement = invitee("invitee.created", 3, "jeanne@example.org", "Jeanne Martin", {
    old_invitee: "https://api.calendly.com/scheduled_events/E1/invitees/I1",
  });
  expect(await postBooking(url, replacement)).toBe(200);
  await expect(editor.getByTestId("meetings").locator('li[data-status="rescheduled"]')).toHaveCount(1);
  await expect(editor.getByTestId("meetings").locator('li[data-status="planned"]')).toHaveCount(1);
  await operator.getByTestId("close-editor").click();

  // The bell's panel lists them; all read, the count goes, and stays gone after a reload.
  await operator.getByTestId("bell").click();
  await expect(operator.getByTestId("notification-list").locator("li")).toHaveCount(4);
  await expect(operator.getByTestId("notification-list")).toContainText("Rendez-vous annulé");
  await operator.getByTestId("mark-all-read").click();
  await expect(bell).toBeHidden();
  await operator.reload();
  await expect(operator.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(operator.getByTestId("bell")).toHaveAttribute("aria-label", /rien de nouveau/);
  expect((await staffList(server.url, "prospects")).length).toBe(1);
});

test("a refused booking creates nothing and is listed for the admin with its reason", async ({ page, servers }) => {
  const server = await servers.startEmpty();
  const url = await bookingUrl(server.url);
  expect(await postBooking(url, invitee("invitee.created", 1, "jeanne@example.org"), "not the right key at all!!")).toBe(401);
  expect(await staffList(server.url, "prospects")).toEqual([]);
  await openLive(page, `${server.url}/admin/booking`);
  await expect(page.getByTestId("booking-url")).toHaveText(url);
  const refused = page.getByTestId("receipt").first();
  await expect(refused).toHaveAttribute("data-outcome", "refused");
  await expect(refused).toContainText("Signature incorrecte");
  // A new key is taken; the one before it still works for a while.
  await page.locator("#booking-secret").fill("the next signing key, rotated");
  await page.getByTestId("save-key").click();
  await expect(page.getByTestId("key-saved")).toBeVisible();
  await expect(page.getByTestId("key-state")).toContainText("Deux clés");
});

test("two operators: different fields of a prospect both kept; the same field shows the conflict", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  const url = await bookingUrl(server.url);
  expect(await postBooking(url, invitee("invitee.created", 1, "paul@example.org", "Paul Durand"))).toBe(200);
  const pages = [];
  for (const name of ["olga", "oscar"]) {
    const password = await invite(server.url, `${name}@courant.test`, "operator");
    const page = await (await browser.newContext()).newPage();
    await signIn(page, server.url, { email: `${name}@courant.test`, password });
    await openLive(page, `${server.url}/admin/prospects`);
    pages.push(await openRecord(page, "paul@example.org"));
  }
  const [olga, oscar] = pages;
  await olga.locator('input[name="company"]').fill("Durand & Fils");
  await oscar.locator('select[name="status"]').selectOption("contacted");
  await olga.getByTestId("save-item").click();
  await expect(olga).toHaveAttribute("data-dirty", "false");
  await expect(oscar.locator('input[name="company"]')).toHaveValue("Durand & Fils");
  await oscar.getByTestId("save-item").click();
  await expect(oscar).toHaveAttribute("data-dirty", "false");
  let [stored] = await staffList(server.url, "prospects");
  expect([stored.company, stored.status]).toEqual(["Durand & Fils", "contacted"]);

  await oscar.locator('textarea[name="notes"]').fill("Rappeler lundi");
  await olga.locator('textarea[name="notes"]').fill("Envoyer le devis");
  await olga.getByTestId("save-item").click();
  const conflicts = oscar.getByTestId("conflicts");
  await expect(conflicts).toBeVisible();
  await expect(conflicts.getByTestId("theirs")).toHaveText("Envoyer le devis");
  await expect(conflicts.getByTestId("mine")).toHaveText("Rappeler lundi");
  [stored] = await staffList(server.url, "prospects");
  expect(stored.notes).toBe("Envoyer le devis");
});

test("the contact form makes a prospect the operators see, and thanks the visitor", async ({ browser, problems, servers }) => {
  const server = await servers.startEmpty();
  // The empty form is sent once on purpose: the server's 422 names the fields.
  problems.expect(refused(422));
  const password = await invite(server.url, "olga@courant.test", "operator");
  const operator = await (await browser.newContext()).newPage();
  await signIn(operator, server.url, { email: "olga@courant.test", password });
  await openLive(operator, `${server.url}/admin/prospects`);
  const visitor = await (await browser.newContext()).newPage();
  await openLive(visitor, `${server.url}/`);
  await visitor.getByRole("navigation").getByRole("link", { name: "Contact" }).click();
  await expect(visitor).toHaveURL(`${server.url}/contact`);
  await expect(visitor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await visitor.getByTestId("send").click();
  await expect(visitor.locator("#contact-email-error")).not.toBeEmpty();
  await visitor.locator("#contact-name").fill("Paul Durand");
  await visitor.locator("#contact-email").fill("paul@example.org");
  await visitor.locator("#contact-message").fill("Un gâteau pour 30 personnes, samedi ?");
  await visitor.getByTestId("send").click();
  await expect(visitor.getByTestId("contact-thanks")).toBeVisible();
  await expect(row(operator, "paul@example.org")).toBeVisible();
  await expect(operator.getByTestId("toast").filter({ hasText: "Nouveau prospect : Paul Durand" })).toBeVisible();
  const whoever = await signedInAs(server.url, { email: "olga@courant.test", password });
  const list = await whoever("/api/list/staff", new URLSearchParams({ collection: "prospects" }));
  expect(list.record[0].source).toBe("site_form");
});

test("a contact form sent before (or without) the page's code comes back with its errors or its thanks, and the page hydrates over them", async ({ browser, servers }) => {
  const server = await servers.startEmpty();
  // Without JavaScript the form posts as HTML: an error brings the visitor back to the form
  // (not to a bare error page), which says what to do in its own words — never the text in
  // the address, which anyone could write in a link.
  const noScript = await browser.newContext({ javaScriptEnabled: false });
  const early = await noScript.newPage();
  await early.goto(`${server.url}/contact`);
  await early.locator("#contact-name").fill("Paul Durand");
  await early.getByTestId("send").click();
  await expect(early).toHaveURL(/\/contact\?.*__err=/);
  await expect(early.getByTestId("contact-error")).toContainText("Votre message n’est pas parti");
  await expect(early.locator("#contact-email-error")).toBeEmpty();
  const cameBack = early.url();
  // A crafted link with words of its own in that place shows the same fixed message.
  const crafted = new URL(cameBack);
  crafted.searchParams.set("__err", Buffer.from(JSON.stringify({ Validation: [{ field: "email", message: "Appelez le 08 99 99 99 99" }] })).toString("base64"));
  await early.goto(crafted.toString());
  await expect(early.getByTestId("contact-error")).toContainText("Votre message n’est pas parti");
  await expect(early.locator("body")).not.toContainText("08 99");
  // Sent without JavaScript: thanked.
  await early.locator("#contact-name").fill("Paul Durand");
  await early.locator("#contact-email").fill("paul@example.org");
  await early.locator("#contact-message").fill("Un gâteau pour 30 personnes, samedi ?");
  await early.getByTestId("send").click();
  await expect(early).toHaveURL(`${server.url}/contact?envoye=1`);
  await expect(early.getByTestId("contact-thanks")).toBeVisible();
  await noScript.close();
  // The page the error came back to, with its code: the form's island hydrates over what the
  // server drew (any mismatch is a page error), keeps the errors, and sends.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(cameBack);
  await expect(visitor.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(visitor.getByTestId("contact-error")).toContainText("Votre message n’est pas parti");
  await visitor.locator("#contact-name").fill("Marie Curie");
  await visitor.locator("#contact-email").fill("marie@example.org");
  await visitor.locator("#contact-message").fill("Et un autre pour dimanche.");
  await visitor.getByTestId("send").click();
  await expect(visitor.getByTestId("contact-thanks")).toBeVisible();
  await expect(visitor.getByTestId("contact-error")).toHaveCount(0);
  const [first, second] = (await staffList(server.url, "prospects")).map((p: { email: string }) => p.email).sort();
  expect([first, second]).toEqual(["marie@example.org", "paul@example.org"]);
});
