import { defineConfig } from "@playwright/test";

// Each test starts the Courant servers it needs (tests/support/server.ts), each on a fresh
// database, from the binary scripts/test.sh built: COURANT_SERVER_BIN, the release build that
// `make run` serves, then the debug build. COURANT_BUILD names the run in the report.

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Two cores: one test at a time keeps timings meaningful and servers from starving.
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    // Courant's people read French: the browser asks for it as theirs does (Accept-Language),
    // and the pages answer in French, the default. Specs that check English switch to it.
    locale: "fr-FR",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: process.env.COURANT_BUILD ?? "chromium", use: { browserName: "chromium" } }],
});
