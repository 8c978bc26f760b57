import { expect, test } from "./support/test";
import { openLive } from "./support/courant";

test("a save's toast is announced, can be dismissed, and hides after 5 s unless the pointer is on it", async ({
  page,
  servers,
}) => {
  const server = await servers.start();
  await openLive(page, `${server.url}/admin/settings`);
  await expect(page.getByTestId("toasts")).toHaveAttribute("aria-live", "polite");
  const saved = page.getByTestId("toast").filter({ hasText: /^Enregistré\./ });

  // Dismissed by hand.
  await page.locator("#tagline").fill(`First ${Date.now()}`);
  await page.getByTestId("save").click();
  await expect(saved).toHaveAttribute("data-kind", "success");
  await saved.getByTestId("toast-close").click();
  await expect(saved).toHaveCount(0);

  // Never over the save button.
  await page.locator("#tagline").fill(`Second ${Date.now()}`);
  await page.getByTestId("save").click();
  await expect(saved).toBeVisible();
  const toast = (await saved.boundingBox())!;
  const button = (await page.getByTestId("save").boundingBox())!;
  const overlaps =
    toast.x < button.x + button.width &&
    button.x < toast.x + toast.width &&
    toast.y < button.y + button.height &&
    button.y < toast.y + toast.height;
  expect(overlaps).toBe(false);

  // The pointer on it keeps it; once it leaves, 5 s later it is gone (real seconds: the
  // page's own timers, sockets included, run as they would).
  await saved.hover();
  await page.waitForTimeout(6_500);
  await expect(saved).toBeVisible();
  await page.mouse.move(0, 0);
  await page.waitForTimeout(3_500);
  await expect(saved).toBeVisible();
  await expect(saved).toHaveCount(0, { timeout: 4_000 });
});

test("a failed save says so once: a field's error at the field, any other above the button", async ({ page, problems, servers }) => {
  const server = await servers.start();
  problems.expect(/status of 500/);
  await openLive(page, `${server.url}/admin/settings`);
  await page.locator("#email").fill("not an email");
  await page.getByTestId("save").click();
  await expect(page.getByTestId("email-error")).not.toBeEmpty();
  await expect(page.getByTestId("form-error")).toBeEmpty();
  await expect(page.getByTestId("toast")).toHaveCount(0);

  // The server fails: said once, above the button, with what to do.
  await page.locator("#email").fill("orders@courant.example");
  await page.route("**/api/settings/save", (route) =>
    route.fulfill({ status: 500, contentType: "application/json", body: JSON.stringify({ Internal: "database" }) }),
  );
  await page.getByTestId("save").click();
  await expect(page.getByTestId("form-error")).toContainText("réessayez");
  await expect(page.getByTestId("form-error")).not.toContainText("database");
  await expect(page.getByTestId("toast").filter({ hasText: "Non enregistré" })).toHaveCount(0);
  await expect(page.getByTestId("email-error")).toBeEmpty();
});
