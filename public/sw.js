// Courant's service worker: the backoffice's pages and code stay reachable offline, so a
// reload without a network shows the page and the saves waiting to be sent (kept in the
// browser's storage) instead of the browser's error page.
//
// Network first, always: online, every answer is fresh (old code never meets new HTML);
// offline, the last copy. The build names /pkg files after their content, so the browser's
// own cache serves them for a year; this cache keeps one build's copy of each. Only GETs of
// this site's backoffice pages and /pkg files are kept — never server functions (POSTs), the
// live socket, signing in, or the pages of customers' data (orders, prospects). Signing out
// empties the cache.
const CACHE = "courant-v1";
const NEVER = ["/admin/orders", "/admin/prospects"];

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await self.clients.claim();
    })(),
  );
});

// The page, once the worker is ready, names what it loaded before the worker took over;
// signing out asks for everything to be forgotten.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (Array.isArray(data.keep)) {
    const urls = data.keep.filter((u) => kept(new URL(u, self.location.origin)));
    event.waitUntil(
      caches.open(CACHE).then((c) =>
        Promise.all(urls.map((u) => c.add(u).then(() => forgetEarlierBuilds(c, new URL(u, self.location.origin))).catch(() => {}))),
      ),
    );
  }
  if (data.forget) event.waitUntil(caches.delete(CACHE));
});

// A build names each /pkg file after its content (`courant.<hash>.wasm`): keeping a new one
// drops the copies of the same file from earlier builds, so the cache holds one build, not
// every build since the member signed in.
async function forgetEarlierBuilds(cache, url) {
  const file = /^\/pkg\/([^/.]+)\.[\w-]{22}\.(\w+)$/.exec(url.pathname);
  if (!file) return;
  for (const old of await cache.keys()) {
    const path = new URL(old.url).pathname;
    if (path !== url.pathname && path.startsWith(`/pkg/${file[1]}.`) && path.endsWith(`.${file[2]}`)) {
      await cache.delete(old);
    }
  }
}

function kept(url) {
  if (url.origin !== self.location.origin) return false;
  if (NEVER.some((p) => url.pathname.startsWith(p))) return false;
  return url.pathname.startsWith("/pkg/") || url.pathname === "/admin" || url.pathname.startsWith("/admin/");
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || !kept(url)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const answer = await fetch(request);
        if (answer.ok && !answer.redirected && answer.type === "basic") {
          await cache.put(request, answer.clone());
          await forgetEarlierBuilds(cache, url);
        }
        return answer;
      } catch (offline) {
        // A page opened with another query (a record's drawer) is still the same page.
        const copy = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
        if (copy) return copy;
        throw offline;
      }
    })(),
  );
});
