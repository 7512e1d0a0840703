// Browser side of src/platform/io.rs (a module file, not inline JS:
// the page and the worker bundle each number their inline snippets, and
// two different inline0.js files would collide in dist/snippets).

// A fresh query per request: every download goes to the server, never
// to the HTTP cache.
export function unique_url(base, path) {
  const url = new URL(path, base);
  url.searchParams.set("n", Date.now().toString(36) + Math.random().toString(36).slice(2));
  return url.href;
}

export function own_base() {
  return typeof document !== "undefined" ? document.baseURI : self.location.href;
}

export function get_sync(url) {
  const xhr = new XMLHttpRequest();
  xhr.open("GET", url, false);
  // Bytes as they are (x-user-defined), also where a synchronous request
  // may not ask for an ArrayBuffer (the page's thread).
  xhr.overrideMimeType("text/plain; charset=x-user-defined");
  try {
    xhr.send();
  } catch (e) {
    throw unanswered(url, e);
  }
  if (xhr.status !== 200) throw new Error(`GET ${url}: HTTP ${xhr.status}`);
  return xhr.responseText;
}

// A download the network did not answer: offline, or the server stopped.
// The page itself may still run from its service worker's store.
function unanswered(url, error) {
  const path = new URL(url).pathname;
  return new Error(`GET ${path}: no answer from the server (${error && error.message || error}). ` +
    "Downloads need the server that served this page; the other workloads also run offline.");
}

export async function get(url) {
  let response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (e) {
    throw unanswered(url, e);
  }
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

export function opfs_available() {
  return typeof navigator !== "undefined" && !!navigator.storage &&
    typeof navigator.storage.getDirectory === "function";
}

export async function opfs_free() {
  const { quota = 0, usage = 0 } = await navigator.storage.estimate();
  return quota - usage;
}

// The private file system's root, or why the browser refused it.
async function root() {
  try {
    return await navigator.storage.getDirectory();
  } catch (e) {
    throw new Error(`the browser refused its private file system (${e.name}: ${e.message}); ` +
      "WebKit (Safari) refuses it in private windows and in sessions driven by automation");
  }
}

async function handle(name, create) {
  return (await root()).getFileHandle(name, { create });
}

export async function opfs_create(name) {
  return (await handle(name, true)).createWritable();
}

export function stream_write(stream, chunk) {
  return stream.write(chunk);
}

export function stream_close(stream) {
  return stream.close();
}

export async function opfs_copy(from, to) {
  const file = await (await handle(from, false)).getFile();
  const out = await (await handle(to, true)).createWritable();
  await out.write(file);
  await out.close();
}

export async function opfs_file(name) {
  return (await handle(name, false)).getFile();
}

export async function read_slice(file, start, end) {
  return new Uint8Array(await file.slice(start, end).arrayBuffer());
}

export async function opfs_remove(name) {
  const dir = await root();
  await dir.removeEntry(name).catch(() => {});
}
