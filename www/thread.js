// One thread of "thread per task": a module worker that instantiates the
// app's bundle (its glue URL and module come in the message) on the
// compute worker's shared memory, says "started",
// runs one job (a pointer to a boxed Rust closure) and ends. A trap in the
// job rejects the thread's end (its join) instead of going unnoticed.
self.onmessage = async ({ data: [glue, module, memory, job] }) => {
  try {
    const bundle = await import(glue);
    const wasm = await bundle.default({ module_or_path: module, memory });
    postMessage("started");
    bundle.spindle_thread_entry(job);
    // Frees this thread's stack and TLS in the shared memory.
    wasm.__wbindgen_thread_destroy?.();
    postMessage("done");
  } catch (error) {
    postMessage(`error: ${error}`);
  }
  close();
};
