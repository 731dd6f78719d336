/// <reference lib="webworker" />
/**
 * The app's service worker: the page works offline once it has been loaded. At install it caches
 * every file of the build (the list and the version are written in at build time by
 * ../precache-plugin.ts, so they match the build exactly); it serves those files cache-first;
 * at activate it deletes the caches of older builds. Requests for anything else (there should be
 * none: the page loads no fonts, scripts or data from elsewhere) go to the network untouched.
 */
import { PRECACHE_PLACEHOLDER, VERSION_PLACEHOLDER } from './sw-placeholders.js';

declare const self: ServiceWorkerGlobalScope;

const FILES = PRECACHE_PLACEHOLDER as unknown as readonly string[];
const CACHE_PREFIX = 'lawfit-app-';
const CACHE = `${CACHE_PREFIX}${VERSION_PLACEHOLDER}`;

/** Absolute URLs of the precached files, resolved against the service worker's own location. */
const precached = new Set(FILES.map((f) => new URL(f, self.location.href).href));

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...precached]);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(CACHE_PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  url.hash = '';
  // The page itself may be opened with a query or a share link's hash: serve the cached page.
  const key = url.origin === self.location.origin && url.pathname === new URL('./', self.location.href).pathname ? new URL('./', self.location.href).href : url.href;
  if (event.request.method !== 'GET' || !precached.has(key)) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      return (await cache.match(key)) ?? fetch(event.request);
    })(),
  );
});
