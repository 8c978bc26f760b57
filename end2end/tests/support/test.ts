// The `test` every spec uses. Two fixtures:
// - `servers`: Courant servers the test starts, each on a fresh database, stopped after the
//   test's pages are closed (so no page sees its server vanish and logs an error).
// - `problems` (automatic): the test fails on any page error (an uncaught exception; a WASM
//   panic is one) or console error in the pages of the default context and of every context
//   the test opens with `browser.newContext()` / `browser.newPage()`, unless it names the
//   ones it causes on purpose with `problems.expect(/…/)`.
import { Browser, BrowserContext, expect, test as base } from "@playwright/test";
import { CourantServer, freshDatabase } from "./server";

export type Problems = {
  /** Console errors this test causes on purpose; anything else still fails it. */
  expect(...patterns: RegExp[]): void;
};

export type Servers = {
  /** A server with the example content, on `databaseUrl` or a fresh database. */
  start(databaseUrl?: string, env?: Record<string, string>): Promise<CourantServer>;
  /** A server on a fresh database with no example content: only what the test creates. */
  startEmpty(env?: Record<string, string>): Promise<CourantServer>;
};

/** Watch `first` and every context the test opens; returns how to stop and close them. */
function watchContexts(browser: Browser, first: BrowserContext, seen: string[]): () => Promise<void> {
  const opened: BrowserContext[] = [];
  const watched = new WeakSet<BrowserContext>();
  const watch = (ctx: BrowserContext) => {
    if (watched.has(ctx)) return;
    watched.add(ctx);
    ctx.on("weberror", (e) => seen.push(`page error on ${e.page()?.url()}: ${e.error().stack ?? e.error().message}`));
    ctx.on("console", (m) => {
      if (m.type() === "error") seen.push(`console error on ${m.page()?.url()}: ${m.text()} (${m.location().url})`);
    });
  };
  watch(first);
  const newContext = browser.newContext;
  const newPage = browser.newPage;
  browser.newContext = async function (...args) {
    const ctx = await newContext.apply(this, args);
    watch(ctx);
    opened.push(ctx);
    return ctx;
  };
  browser.newPage = async function (...args) {
    const page = await newPage.apply(this, args);
    watch(page.context());
    opened.push(page.context());
    return page;
  };
  return async () => {
    browser.newContext = newContext;
    browser.newPage = newPage;
    // Playwright closes only the contexts it made; these would keep reconnecting to servers
    // that are gone, and to whatever later test takes their port.
    await Promise.all(opened.map((c) => c.close().catch(() => {})));
  };
}

export const test = base.extend<{ servers: Servers; problems: Problems }>({
  servers: async ({}, use) => {
    const started: CourantServer[] = [];
    const track = (s: CourantServer) => (started.push(s), s);
    await use({
      start: async (databaseUrl = freshDatabase(), env = {}) => track(await CourantServer.start(databaseUrl, undefined, env)),
      startEmpty: async (env = {}) => track(await CourantServer.start(freshDatabase(), undefined, { COURANT_DEMO_CONTENT: "0", ...env })),
    });
    await Promise.all(started.map((s) => s.stop()));
  },
  // Depends on `servers`, so it is torn down first: pages close while their servers still run.
  problems: [
    async ({ browser, context, servers }, use) => {
      void servers;
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      const closeOpened = watchContexts(browser, context, seen);
      await use({ expect: (...patterns) => allowed.push(...patterns) });
      await closeOpened();
      await Promise.all(context.pages().map((p) => p.close()));
      const unexpected = seen.filter((s) => !allowed.some((p) => p.test(s)));
      expect(unexpected, "page errors and console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** What Chromium logs when a request the test makes fail on purpose is answered `status`. */
export const refused = (status: number) => new RegExp(`Failed to load resource: the server responded with a status of ${status}`);
/** What Chromium logs while the live socket cannot reach a stopped server. */
export const socketDown = /WebSocket connection to '.*' failed/;
