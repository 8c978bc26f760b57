// Every page of the public site and the backoffice, as a visitor and an admin see them, at a
// desktop's width and a phone's, with the phone's backoffice menu also shown open.
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "../tests/support/test";
import { openLive, openRecord, signIn } from "../tests/support/courant";
import { staffList, syncRecord } from "../tests/support/api";
import { BACKOFFICE_PAGES, PUBLIC_PAGES } from "../tests/support/routes";

const OUT = path.resolve(__dirname, "../../docs/screenshots", process.env.SHOTS ?? "after");
const WIDTHS = [1280, 375];

function fileName(urlPath: string, width: number, suffix = ""): string {
  const name = urlPath === "/" ? "home" : urlPath.replace(/^\//, "").replace(/\//g, "-").replace(/[^a-z0-9-]/gi, "");
  return path.join(OUT, `${name}${suffix}-${width}.jpg`);
}

async function shoot(page: Page, file: string) {
  // Relative times and the live badge settle; nothing animates in Courant's pages.
  await page.waitForTimeout(300);
  await page.screenshot({ path: file, fullPage: true, type: "jpeg", quality: 60 });
}

for (const width of WIDTHS) {
  test(`every page at ${width} px`, async ({ browser, servers }) => {
    const server = await servers.start();
    const page = await (await browser.newContext({ viewport: { width, height: width > 600 ? 800 : 740 } })).newPage();
    const publicPages = [...PUBLIC_PAGES];
    await openLive(page, `${server.url}/services`);
    publicPages.push((await page.getByTestId("public-card").first().locator("a[href]").first().getAttribute("href"))!);
    for (const p of publicPages) {
      await openLive(page, `${server.url}${p}`);
      await shoot(page, fileName(p.startsWith("/services/") ? "/service-detail" : p, width));
    }
    await page.goto(`${server.url}/signin`);
    await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
    await shoot(page, fileName("/signin", width));
    await signIn(page, server.url);
    for (const p of BACKOFFICE_PAGES) {
      await openLive(page, `${server.url}${p}`);
      await shoot(page, fileName(p, width));
    }
    // A record's editor in its drawer, with a colleague's save to the price being typed.
    await openLive(page, `${server.url}/admin/services`);
    const [service] = await staffList(server.url, "services");
    const editor = await openRecord(page, service.name);
    await editor.locator('input[name="price_cents"]').fill("12,50");
    await syncRecord(server.url, "services", "update", {
      id: service.id,
      base_version: service.version,
      changes: { price_cents: { from: service.price_cents, to: service.price_cents + 150 } },
    });
    await expect(editor.getByTestId("conflicts")).toBeVisible();
    await shoot(page, fileName("/admin/services-editor-conflict", width));
    await page.getByTestId("close-editor").click();
    if (width < 600) {
      await openLive(page, `${server.url}/admin/services`);
      await page.getByTestId("menu-toggle").click();
      await shoot(page, fileName("/admin/menu-open", width));
    }
  });
}
