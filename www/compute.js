// Module worker entry for the compute worker and for isolated workers.
// They run the page's own bundle: the first message carries the URL of its
// wasm-bindgen glue and the page's compiled module (no second download,
// no second compile). Instantiated with a memory of its own, the bundle
// then takes over this worker's messages and posts `Loaded`.
self.onmessage = async ({ data: { glue, module } }) => {
  self.onmessage = null;
  try {
    const bundle = await import(glue);
    await bundle.default({ module_or_path: module });
    bundle.spindle_compute_start();
  } catch (error) {
    // Reported to the parent through the worker's `error` event.
    setTimeout(() => {
      throw error;
    });
  }
};
