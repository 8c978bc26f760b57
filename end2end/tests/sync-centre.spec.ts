import { expect, refused, test } from "./support/test";
import { adminJson, invite, signedInAs, staffList, syncRecord } from "./support/api";
import { openLive, signIn } from "./support/courant";

/** `n` services, 500 to a request (the list save's limit). */
async function manyServices(url: string, n: number): Promise<void> {
  for (let start = 0; start < n; start += 500) {
    const items = Array.from({ length: Math.min(500, n - start) }, (_, i) => ({
      name: `Service ${start + i}`,
      description: "Une description assez longue pour peser un peu dans la sauvegarde.",
      price_cents: 100 + i,
      published: true,
    }));
    await adminJson(url, "/api/list/sync", { collection: "services", items });
  }
}

test("an admin runs a backup and sees its progress and its log entry appear live", async ({ page, browser, servers }) => {
  const server = await servers.startEmpty();
  await manyServices(server.url, 10_000);
  await openLive(page, `${server.url}/synchronisation`);
  await expect(page.getByTestId("nothing-running")).toBeVisible();
  await expect(page.getByTestId("backup-badge")).toContainText("Aucune sauvegarde");
  // A second admin page, the log, open meanwhile.
  const log = await (await browser.newContext()).newPage();
  await openLive(log, `${server.url}/synchronisation/logs`);
  await expect(log.getByTestId("no-logs")).toBeVisible();

  // While it runs, its bar shows on the dashboard, from the live feed: however short the
  // backup, the page notes the moment the bar is drawn.
  await page.evaluate(() => {
    const w = window as any;
    w.__sawProgress = false;
    new MutationObserver(() => {
      if (document.querySelector('[data-testid="running"] [data-testid="progress"]')) w.__sawProgress = true;
    }).observe(document.body, { subtree: true, childList: true });
  });
  await page.getByTestId("backup-now").click();
  await expect(page.locator('[data-testid="toast"][data-kind="success"]')).toContainText("Sauvegarde terminée");
  await expect(page.getByTestId("nothing-running")).toBeVisible();
  expect(await page.evaluate(() => (window as any).__sawProgress)).toBe(true);
  const done = page.locator('[data-testid="operation"][data-kind="backup"][data-status="succeeded"]');
  await expect(done).toHaveCount(1);
  // 10,000 services, the settings record and the one member.
  await expect(done).toContainText("10002 éléments sauvegardés");
  await expect(page.getByTestId("backup-badge")).toContainText("Sauvegarde à l’instant");
  // The other page has it too, without a reload.
  await expect(log.locator('[data-testid="operation"][data-kind="backup"][data-status="succeeded"]')).toHaveCount(1);
  await expect(log.getByTestId("logs-count")).toContainText("1 opérations");

  // Its detail: what, where, how many.
  await done.getByRole("link").click();
  await expect(page.getByTestId("log-title")).toContainText("Sauvegarde");
  await expect(page.getByTestId("log-details")).toContainText("base de données");
  await expect(page.getByTestId("log-counts")).toContainText("10001");

  // The CSV of the log.
  const csv = await page.context().request.get(`${server.url}/api/sync/logs.csv?days=7`);
  expect(csv.status()).toBe(200);
  expect(await csv.text()).toContain("backup,succeeded");
});

test("an admin restores a backup after its dry run, and an open editor shows it without reloading", async ({ page, browser, servers }) => {
  const server = await servers.startEmpty();
  const created = await syncRecord(server.url, "services", "create", {
    name: "Pain au levain", description: "", price_cents: 450, published: true,
  });
  const id = created.record.id;
  await adminJson(server.url, "/api/sync/backup_now", {});
  await syncRecord(server.url, "services", "update", {
    id, base_version: created.record.version, changes: { name: { from: "Pain au levain", to: "Pain complet" } },
  });
  const editor = await (await browser.newContext()).newPage();
  await openLive(editor, `${server.url}/admin/services`);
  await expect(editor.locator('[data-testid="row"][data-label="Pain complet"]')).toBeVisible();

  await openLive(page, `${server.url}/synchronisation/backups`);
  await page.getByTestId("backup").first().getByTestId("restore").click();
  const dialog = page.getByTestId("restore-dialog");
  await expect(dialog.locator('[data-collection="services"]')).toContainText("1");
  await expect(dialog.getByTestId("restore-total")).toBeVisible();
  await dialog.getByTestId("confirm-restore").click();
  await expect(page.locator('[data-testid="toast"][data-kind="success"]')).toContainText("Restauration terminée");
  // The editor's page follows, live.
  await expect(editor.locator('[data-testid="row"][data-label="Pain au levain"]')).toBeVisible();
  // The data it replaced was backed up first.
  await expect(page.locator('[data-testid="backup"][data-origin="before_restore"]')).toHaveCount(1);
  expect((await staffList(server.url, "services"))[0].name).toBe("Pain au levain");
});

test("a file that is not a good backup is refused with its reason, and nothing changes", async ({ page, problems, servers }) => {
  const server = await servers.startEmpty();
  problems.expect(refused(422));
  await openLive(page, `${server.url}/synchronisation/backups`);
  await page.getByTestId("upload-file").setInputFiles({
    name: "courant-1-2026-12-07-1200.json",
    mimeType: "application/json",
    buffer: Buffer.from('{"format":1,"records":[\n{"c":"team","r":{"id":"a"'),
  });
  await page.getByTestId("upload").click();
  await expect(page.getByTestId("upload-error")).toContainText("tronqué");
  await expect(page.getByTestId("no-backups")).toBeVisible();
});

test("a supervisor sees the sync centre with every action disabled, and the server refuses them", async ({ page, problems, servers }) => {
  const server = await servers.startEmpty();
  problems.expect(refused(403));
  await adminJson(server.url, "/api/sync/backup_now", {});
  const password = await invite(server.url, "sam@courant.test", "supervisor");
  await signIn(page, server.url, { email: "sam@courant.test", password });
  await openLive(page, `${server.url}/synchronisation/backups`);
  await expect(page.getByTestId("read-only")).toBeVisible();
  await expect(page.getByTestId("backup")).toHaveCount(1);
  await expect(page.getByTestId("backup-now")).toBeDisabled();
  await expect(page.getByTestId("restore")).toBeDisabled();
  await expect(page.getByTestId("delete")).toBeDisabled();
  await expect(page.getByTestId("upload")).toBeDisabled();
  await openLive(page, `${server.url}/synchronisation/config`);
  await expect(page.getByTestId("schedule-save")).toBeDisabled();
  const sam = await signedInAs(server.url, { email: "sam@courant.test", password });
  await expect(sam("/api/sync/backup_now", {})).rejects.toThrow(/403/);
  const file = await page.context().request.get(`${server.url}/api/sync/export`);
  expect(file.status()).toBe(403);
});

test("an operator is refused the sync centre, and has no menu entry for it", async ({ page, problems, servers }) => {
  const server = await servers.startEmpty();
  problems.expect(refused(403));
  const password = await invite(server.url, "olga@courant.test", "operator");
  await signIn(page, server.url, { email: "olga@courant.test", password });
  await openLive(page, `${server.url}/synchronisation`);
  await expect(page.getByTestId("not-for-role")).toBeVisible();
  await expect(page.locator('#sidebar a[href="/synchronisation"]')).toHaveCount(0);
  await expect(page.getByTestId("backup-badge")).toHaveCount(0);
  const res = await page.context().request.post(`${server.url}/api/sync/health`, { data: {} });
  expect(res.status()).toBe(403);
});

test("the statistics page shows charts after a few operations", async ({ page, servers }) => {
  const server = await servers.startEmpty();
  for (let i = 0; i < 3; i++) await adminJson(server.url, "/api/sync/backup_now", {});
  const exported = await fetch(`${server.url}/api/sync/export`);
  expect(exported.status).toBe(401);
  await openLive(page, `${server.url}/synchronisation/stats`);
  const file = await page.context().request.get(`${server.url}/api/sync/export`);
  expect(file.status()).toBe(200);
  expect((await file.json()).manifest.format).toBe(1);
  await page.reload();
  await expect(page.locator("#root")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByTestId("success-rate")).toHaveText("100 %");
  await expect(page.getByTestId("operations-total")).toHaveText("4");
  for (const chart of ["chart-per-day", "chart-durations", "chart-errors"]) {
    await expect(page.getByTestId(chart).locator("svg rect").first()).toBeAttached();
  }
  await expect(page.getByTestId("kinds-table").locator('[data-kind="backup"]')).toContainText("3");
  await expect(page.getByTestId("kinds-table").locator('[data-kind="export"]')).toContainText("1");
  await page.getByTestId("stats-period").selectOption("30");
  await expect(page.getByTestId("per-day-table").locator("tbody tr")).toHaveCount(1);
});
