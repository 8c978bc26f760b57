// People's words: no page of the backoffice, no history and no conflict panel shows a model's
// internal field key or a raw `true` / `false` (issue 32). The walk reads what is on screen
// (innerText) in French, the default, where none of these keys is a word.
import type { Page } from "@playwright/test";
import { expect, test } from "./support/test";
import { syncRecord, staffList } from "./support/api";
import { closeEditor, openLive, openRecord } from "./support/courant";
import { BACKOFFICE_PAGES } from "./support/routes";
import { bookingUrl, invitee, postBooking } from "./support/booking";

/** The models' field keys (content, settings) and the server's own metadata. */
const KEYS = [
  "company_name", "opening_hours", "tagline", "price_cents", "photo_url", "join_date", "published",
  "views", "rating", "category", "created_at", "updated_at", "updated_by", "site_settings", "services",
  "solutions", "team", "order", "first_name", "last_name", "last_contact_at", "meetings", "site_form",
  "event_name", "planned", "cancelled", "sold_count", "image_url", "customer_name", "staff_notes",
  "total_cents", "unit_price_cents", "in_progress", "pending", "product_id", "lines",
];
const RAW = [/\btrue\b/, /\bfalse\b/, /\b\d{4}-\d{2}-\d{2}\b/, /\b\d+\.\d+\b/];

async function shown(page: Page): Promise<string> {
  return page.evaluate(() => document.body.innerText);
}

/** Keys that appear as words in what the page shows (a key inside a longer word is fine). */
function leaks(text: string): string[] {
  const found = KEYS.filter((k) => new RegExp(`(^|[^\\p{L}_])${k}([^\\p{L}_]|$)`, "u").test(text));
  // An address shown to be copied (the booking webhook's) is not a raw value.
  const prose = text.replace(/\bhttps?:\/\/\S+/g, "");
  for (const r of RAW) {
    const m = prose.match(r);
    if (m) found.push(m[0]);
  }
  return found;
}

test("no backoffice page, history or conflict panel shows an internal key or a raw value", async ({ browser, servers }) => {
  test.slow();
  const server = await servers.start();
  const page = await (await browser.newContext()).newPage();
  const problems: string[] = [];
  const look = async (where: string) => {
    const found = leaks(await shown(page));
    if (found.length) problems.push(`${where}: ${found.join(", ")}`);
  };
  // A prospect who booked (a meeting to show), and one booking cancelled.
  const hook = await bookingUrl(server.url);
  expect(await postBooking(hook, invitee("invitee.created", 1, "jeanne@example.org"))).toBe(200);
  expect(await postBooking(hook, invitee("invitee.created", 2, "jeanne@example.org"))).toBe(200);
  expect(await postBooking(hook, invitee("invitee.canceled", 2, "jeanne@example.org"))).toBe(200);
  // A product, and an order of it.
  const product = await syncRecord(server.url, "products", "create", {
    name: "Tote bag", description: "Coton bio.", price_cents: 1250, stock: 10, image_url: "", published: true, order: 0,
  });
  const placed = await fetch(`${server.url}/api/shop/checkout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      lines: [{ product_id: product.record.id, quantity: 2 }], name: "Léa Martin", email: "lea@example.org",
      phone: "", notes: "Pour un cadeau", key: "words-spec-checkout-0001",
    }),
  });
  expect(placed.status).toBe(200);
  for (const path of BACKOFFICE_PAGES) {
    await openLive(page, `${server.url}${path}`);
    await look(path);
  }
  // Each collection: a record's editor and its history, after a change to every kind of field.
  for (const path of ["/admin/team", "/admin/services", "/admin/solutions", "/admin/prospects", "/admin/products", "/admin/orders"]) {
    await openLive(page, `${server.url}${path}`);
    const first = (await page.getByTestId("row").first().getAttribute("data-label"))!;
    const editor = await openRecord(page, first);
    const toggle = editor.locator('input[type="checkbox"]');
    if (await toggle.count()) await toggle.first().click();
    const text = editor.locator('input[type="text"]').first();
    await text.fill(`${first} (modifié)`);
    await editor.getByTestId("save-item").click();
    await expect(editor).toHaveAttribute("data-dirty", "false");
    await editor.getByTestId("history").click();
    await expect(editor.getByTestId("history-entries").locator("li")).not.toHaveCount(0);
    await look(`${path}, the editor and its history`);
    await closeEditor(page);
  }
  // A conflict on a price and on a switch.
  const [service] = await staffList(server.url, "services");
  await openLive(page, `${server.url}/admin/services`);
  const editor = await openRecord(page, service.name);
  await editor.locator('input[name="price_cents"]').fill("12,34");
  await editor.locator('input[name="published"]').click();
  await syncRecord(server.url, "services", "update", {
    id: service.id,
    base_version: service.version,
    changes: {
      price_cents: { from: service.price_cents, to: service.price_cents + 111 },
      published: { from: service.published, to: !service.published },
    },
  });
  await expect(editor.getByTestId("conflicts")).toBeVisible();
  await look("/admin/services, a conflict panel");
  expect(problems, problems.join("\n")).toEqual([]);
});
