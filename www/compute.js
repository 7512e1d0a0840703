// Module worker entry for the compute worker. Trunk builds the
// `spindle-worker` binary as spindle-worker.js (+ _bg.wasm) with
// wasm-bindgen's `web` target, which needs an explicit init: this is it.
// Its start function installs the message handler and posts `Loaded`.
import init from "./spindle-worker.js";

init().catch((error) => {
  // Reported to the page through the worker's `error` event.
  setTimeout(() => {
    throw error;
  });
});
