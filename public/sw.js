// The portal's service worker: keeps the app shell (index.html, boot.js and the hashed JS, WASM
// and CSS of this build) so the portal opens without the network. Nothing else is ever stored:
// not /api/ or /dev/, not any other request, so no patient data lands in Cache Storage.
// scripts/sw-shell (a Trunk post-build hook) writes this build's files and version below.
const VERSION = 'unbuilt';
const SHELL = [];
const CACHE = `portal-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/dev/')) return;
  if (request.mode === 'navigate') {
    // A page of the portal: the server's newest index.html; the kept one when offline.
    event.respondWith(fetch(request).catch((error) => kept('/', error)));
  } else if (SHELL.includes(url.pathname)) {
    // Hashed names never change content: the kept copy first. boot.js: the network first.
    event.respondWith(
      /-[0-9a-f]{16}(_bg)?\.\w+$/.test(url.pathname)
        ? kept(url.pathname).catch(() => fetch(request))
        : fetch(request).catch((error) => kept(url.pathname, error)),
    );
  }
});

/** The shell's copy of `path`, or a rejection (with `error`) when there is none. */
function kept(path, error = new Error(`${path} is not kept`)) {
  return caches
    .open(CACHE)
    .then((cache) => cache.match(path))
    .then((response) => response || Promise.reject(error));
}
