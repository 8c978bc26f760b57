// Every test fails on a page error (an uncaught exception; a WASM panic is one) or a console
// error in any page it opened, in any browser context, unless it names the ones it causes on
// purpose (a refused request, a server it stops) with `problems.expect(/…/)`.
import { Browser, BrowserContext, expect, test as base } from "@playwright/test";

export type Problems = {
  /** Console errors this test causes on purpose; anything else still fails it. */
  expect(...patterns: RegExp[]): void;
};

function watchContexts(browser: Browser, first: BrowserContext, seen: string[]): () => void {
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
  // Tests open more contexts (several people at once); watch those too.
  const newContext = browser.newContext;
  const newPage = browser.newPage;
  browser.newContext = async function (...args) {
    const ctx = await newContext.apply(this, args);
    watch(ctx);
    return ctx;
  };
  browser.newPage = async function (...args) {
    const page = await newPage.apply(this, args);
    watch(page.context());
    return page;
  };
  return () => {
    browser.newContext = newContext;
    browser.newPage = newPage;
  };
}

export const test = base.extend<{ problems: Problems }>({
  problems: [
    async ({ browser, context }, use) => {
      const seen: string[] = [];
      const allowed: RegExp[] = [];
      const unwatch = watchContexts(browser, context, seen);
      await use({ expect: (...patterns) => allowed.push(...patterns) });
      unwatch();
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
