// One thread of "thread per task": a module worker that instantiates the
// compute bundle on the compute worker's shared memory, says "started",
// runs one job (a pointer to a boxed Rust closure) and ends. A trap in the
// job rejects the thread's end (its join) instead of going unnoticed.
import init, { spindle_thread_entry } from "./spindle-worker.js";

self.onmessage = async ({ data: [module, memory, job] }) => {
  try {
    const wasm = await init({ module_or_path: module, memory });
    postMessage("started");
    spindle_thread_entry(job);
    // Frees this thread's stack and TLS in the shared memory.
    wasm.__wbindgen_thread_destroy?.();
    postMessage("done");
  } catch (error) {
    postMessage(`error: ${error}`);
  }
  close();
};
