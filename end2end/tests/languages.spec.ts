// French first, English after the switch: one walk through the public site and one through
// the backoffice, asserting the words people read — navigation, headings, the live badge and
// its relative time, the server's field errors, a toast, the history — in each language.
import { expect, test } from "./support/test";
import { setField } from "./support/api";
import { closeEditor, openLive, openRecord } from "./support/courant";

test("the public site reads in French, then in English after the switch, relative times included", async ({ page, servers }) => {
  const server = await servers.start();
  await openLive(page, `${server.url}/`);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  const nav = page.getByRole("navigation");
  await expect(nav.getByRole("link", { name: "Équipe" })).toBeVisible();
  const indicator = page.getByTestId("sync-indicator");
  await expect(indicator).toContainText("En direct");
  // A change from elsewhere gives the badge a time to show.
  await setField(server.url, "tagline", `Tout frais ${Date.now()}`);
  const ago = page.getByTestId("sync-ago");
  await expect(ago).toHaveText("mis à jour à l’instant");
  // Five seconds on, "just now" becomes a count of seconds.
  await expect(ago).toHaveText(/^mis à jour il y a \d+ s$/, { timeout: 12_000 });

  await page.getByTestId("language-en").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(nav.getByRole("link", { name: "Team" })).toBeVisible();
  await expect(indicator).toContainText("Live");
  await expect(ago).toHaveText(/^updated \d+ s ago$/);

  // The next pages come from the server in English (the cookie the switch set).
  await openLive(page, `${server.url}/team`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Our team");
  await openLive(page, `${server.url}/services`);
  await page.getByTestId("public-card").first().locator("a[href]").first().click();
  await expect(page.getByTestId("detail")).toBeVisible();
  await expect(page.getByRole("link", { name: "← All services" })).toBeVisible();
  await expect(page.getByTestId("detail")).toContainText(/Viewed (once|\d+ times)/);
  // Money in the language's format: €1,234.50 in English.
  await expect(page.getByTestId("detail")).toContainText(/€\d[\d,]*\.\d\d/);

  await page.getByTestId("language-fr").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByRole("link", { name: "← Tous les services" })).toBeVisible();
  await expect(page.getByTestId("detail")).toContainText(/\d+,\d\d\u00a0€/);
});

test("the backoffice reads in French, then in English; its errors follow the language", async ({ page, servers }) => {
  const server = await servers.start();
  await openLive(page, `${server.url}/admin/settings`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Paramètres du site");
  await expect(page.getByLabel("Nom de l’entreprise")).toBeVisible();

  await page.locator("#company_name").fill("");
  await page.getByTestId("save").click();
  const fieldError = page.getByTestId("company_name-error");
  await expect(fieldError).toHaveText("Nom de l’entreprise est obligatoire.");
  // Said once, at the field (no banner, no toast), and the focus is there.
  await expect(page.getByTestId("form-error")).toBeEmpty();
  await expect(page.getByTestId("toast")).toHaveCount(0);
  await expect(page.locator("#company_name")).toBeFocused();

  await page.getByTestId("language-en").click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Site settings");
  // The next try answers in English.
  await page.getByTestId("save").click();
  await expect(fieldError).toHaveText("Company name is required.");
  await expect(page.getByTestId("form-error")).toBeEmpty();
  await page.locator("#company_name").fill(`Boulangerie Courant ${Date.now()}`);
  await page.getByTestId("save").click();
  await expect(page.getByTestId("toast").filter({ hasText: /^Saved\./ })).toBeVisible();

  // The collection editor and its history, in English.
  await openLive(page, `${server.url}/admin/services`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Services");
  await expect(page.getByRole("button", { name: "Add a service" })).toBeVisible();
  const first = await page.getByTestId("row").first().getAttribute("data-label");
  const editor = await openRecord(page, first!);
  await editor.getByTestId("history").click();
  const entries = editor.getByTestId("history-entries");
  await expect(entries.locator("li").last()).toContainText(/v1 created · .* · (just now|\d+ (s|min|h|d) ago)/);

  // The drawer is modal: closed, the language switch is reachable again.
  await closeEditor(page);
  await page.getByTestId("language-fr").click();
  await expect(page.getByRole("button", { name: "Ajouter un service" })).toBeVisible();
  const again = await openRecord(page, first!);
  await again.getByTestId("history").click();
  await expect(again.getByTestId("history-entries").locator("li").last()).toContainText(/v1 créée · l’installation · (à l’instant|il y a \d+ (s|min|h|j))/);
});
