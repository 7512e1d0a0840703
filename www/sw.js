// Spindle's service worker. Two jobs, for the page's own files only:
//
// 1. Cross-origin isolation on any static host. Shared memory needs the
//    page served with `Cross-Origin-Opener-Policy: same-origin` and
//    `Cross-Origin-Embedder-Policy: require-corp`; hosts that cannot send
//    headers (GitHub Pages and most free hosts) get them from here, on
//    every response of this origin. The page registers this worker and
//    reloads once when it is not isolated yet (index.html says when not).
// 2. Offline use. Every file of the build except the `fetch` workload's
//    data is stored at install; from the next load on, the page and its
//    workers load from here when the network fails. Files named by their content's hash come
//    from the store at once; the others (index.html, compute.js,
//    thread.js, snippets) are asked of the network first, so a new
//    deploy is seen on the next visit.
//
// scripts/post-build.sh fills in BUILD and FILES for each build; a new
// build is a new worker, which replaces the old one and its store.
"use strict";

const BUILD = "dev";
const FILES = [];
const STORE = `spindle-${BUILD}`;
const HASHED = /-[0-9a-f]{16}(_bg)?\.[a-z]+$/;
const ISOLATION = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Embedder-Policy", "require-corp"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
];
// The page's address, under whatever path the build was given.
const HOME = new URL("./", self.location).href;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(STORE)
      .then((store) => store.addAll(FILES))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("spindle-") && k !== STORE).map((k) => caches.delete(k)))),
  );
  // No clients.claim(): a page loaded before the worker keeps loading from
  // the network until its next load. (WebKit fails to start a module
  // worker from a page claimed midway.)
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || !request.url.startsWith(HOME)) return;
  // A request only the browser's own cache may answer (devtools).
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  // The `fetch` workload's downloads are measured: they go straight to
  // the network, past this worker, and are not stored.
  if (url.pathname.includes("/data/")) return;
  event.respondWith(answer(request, url));
});

async function answer(request, url) {
  const page = request.mode === "navigate";
  const key = page ? HOME : url.href.split("?")[0];
  const store = await caches.open(STORE);
  let response = HASHED.test(url.pathname) ? await store.match(key) : undefined;
  if (!response) {
    try {
      // Not stored again: each build's worker stores all of its files
      // when it installs.
      response = await fetch(request);
    } catch (offline) {
      response = await store.match(key);
      if (!response) throw offline;
    }
  }
  // The headers matter on documents and workers' own scripts only; other
  // files of this origin pass as they are.
  return ["document", "worker", "sharedworker"].includes(request.destination) ? isolated(response) : response;
}

function isolated(response) {
  // As it is when it has the headers already (a host that sends them).
  if (response.status === 0 || response.headers.has("Cross-Origin-Embedder-Policy")) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of ISOLATION) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
