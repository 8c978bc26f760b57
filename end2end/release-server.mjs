// Starts the release build's server on a fresh SQLite database and a free port, for the
// scripts that measure what a visitor downloads and waits for (bundle-size.mjs,
// time-to-live.mjs). Not a test helper: the browser tests start theirs in tests/support.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const PKG = path.join(ROOT, "target/site/pkg");
export const BIN = process.env.COURANT_SERVER_BIN ?? path.join(ROOT, "target/release/server");
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The first admin, made by the server at start (COURANT_ADMIN_*), to measure staff pages. */
const ADMIN = { email: "admin@courant.test", password: "a long enough password to measure with" };

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** `{ url, stop() }` once `/healthz` answers. */
export async function startServer() {
  if (!fs.existsSync(BIN) || !fs.existsSync(PKG)) {
    throw new Error(`no release build (${BIN}, ${PKG}): run \`cargo leptos build --release --split --precompress\``);
  }
  const dir = fs.mkdtempSync(path.join(ROOT, "target", "size-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = spawn(BIN, [], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: `sqlite://${path.join(dir, "courant.db")}`,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: path.join(ROOT, "target/site"),
      RUST_LOG: "warn",
      COURANT_ADMIN_EMAIL: ADMIN.email,
      COURANT_ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: "ignore",
  });
  const stop = () => {
    server.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {}
      if (i > 300) throw new Error("the server did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { url, stop };
}

/** The first admin's session (cookies), signed in once without emulation, for contexts that
 *  open staff pages with `newContext({ storageState })`. */
export async function adminSession(browser, url) {
  const page = await browser.newPage();
  await page.goto(`${url}/signin`);
  await page.locator('#root[data-hydrated="true"]').waitFor();
  await page.fill('input[name="email"]', ADMIN.email);
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('button[type="submit"]');
  await page.waitForURL(/\/admin/);
  const state = await page.context().storageState();
  await page.close();
  return state;
}
