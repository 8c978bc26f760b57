// The sync centre as an admin sees it after a few operations — dashboard, log, one
// operation's detail, backups (and a restore's dry run), statistics — at 1280 and 375 px,
// into docs/screenshots/sync-centre/ (`make screenshots`), for the note.
import path from "node:path";
import type { Page } from "@playwright/test";
import { expect, test } from "../tests/support/test";
import { openLive } from "../tests/support/courant";
import { adminJson, staffList, syncRecord } from "../tests/support/api";

const OUT = path.resolve(__dirname, "../../docs/screenshots/sync-centre");

async function shoot(page: Page, name: string, width: number) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(OUT, `${name}-${width}.jpg`), fullPage: true, type: "jpeg", quality: 60 });
}

for (const width of [1280, 375]) {
  test(`the sync centre at ${width} px`, async ({ browser, problems, servers }) => {
    const server = await servers.start();
    problems.expect(/422/);
    await adminJson(server.url, "/api/sync/backup_now", {});
    const [service] = await staffList(server.url, "services");
    await syncRecord(server.url, "services", "update", {
      id: service.id, base_version: service.version, changes: { name: { from: service.name, to: `${service.name} (nouveau)` } },
    });
    await adminJson(server.url, "/api/sync/backup_now", {});
    await fetch(`${server.url}/api/sync/export`).catch(() => undefined);
    const page = await (await browser.newContext({ viewport: { width, height: width > 600 ? 900 : 740 } })).newPage();
    await openLive(page, `${server.url}/synchronisation/backups`);
    // A file that is not a backup: refused, and in the log.
    await page.getByTestId("upload-file").setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from("{}") });
    await page.getByTestId("upload").click();
    await expect(page.getByTestId("upload-error")).not.toBeEmpty();
    await shoot(page, "backups", width);
    await page.getByTestId("backup").last().getByTestId("restore").click();
    await expect(page.getByTestId("restore-plan")).toBeVisible();
    await shoot(page, "restore-dry-run", width);
    await page.getByTestId("confirm-restore").click();
    await expect(page.locator('[data-testid="toast"][data-kind="success"]')).toBeVisible();
    await openLive(page, `${server.url}/synchronisation`);
    await shoot(page, "dashboard", width);
    await openLive(page, `${server.url}/synchronisation/logs`);
    await shoot(page, "logs", width);
    await page.locator('[data-testid="operation"][data-kind="restore"]').getByRole("link").click();
    await expect(page.getByTestId("log-title")).toBeVisible();
    await shoot(page, "log-detail", width);
    await openLive(page, `${server.url}/synchronisation/stats`);
    await expect(page.getByTestId("chart-per-day").locator("svg")).toBeVisible();
    await shoot(page, "stats", width);
  });
}
