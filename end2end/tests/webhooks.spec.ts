import { expect, refused, test } from "./support/test";
import * as http from "node:http";
import { setField } from "./support/api";
import { openLive } from "./support/courant";

let receiver: http.Server | undefined;

test.afterEach(() => {
  receiver?.close();
});

test("an admin adds an endpoint, sees its secret once, and its deliveries after a save", async ({ page, problems, servers }) => {
  // The receiver below listens on loopback, which only this setting allows.
  const server = await servers.startEmpty({ COURANT_WEBHOOK_ALLOW_PRIVATE: "1" });
  problems.expect(refused(422));
  const received: string[] = [];
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(body);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${(receiver.address() as any).port}/hook`;

  await openLive(page, `${server.url}/admin/webhooks`);
  await page.locator('input[name="url"]').fill("not a url");
  await page.getByTestId("add-webhook").click();
  await expect(page.locator(".field-error").first()).toContainText("Saisissez l’adresse du point de terminaison");

  await page.locator('input[name="url"]').fill(hookUrl);
  await page.getByTestId("add-webhook").click();
  await expect(page.getByTestId("webhook-secret")).toContainText("affiché uniquement maintenant");
  await expect(page.getByTestId("webhook")).toContainText(hookUrl);

  await setField(server.url, "tagline", "Hooked");
  await expect.poll(() => received.length).toBe(1);
  expect(JSON.parse(received[0]).event.data.tagline).toBe("Hooked");

  await page.getByTestId("deliveries").click();
  await expect(page.locator('.deliveries tr[data-status="delivered"]')).toHaveCount(1);
});
