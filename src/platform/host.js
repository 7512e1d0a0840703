// Browser side of src/platform/host.rs (a module file, not inline JS:
// the page and the worker bundle each number their inline snippets, and
// two different inline0.js files would collide in dist/snippets).

export function yield_now() {
  // A message task, not setTimeout: no 4 ms clamping when nested, and the
  // browser may render between tasks.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
    channel.port2.postMessage(null);
  });
}

export function spawn_thread(module, memory, job) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("thread.js", self.location.href), { type: "module" });
    worker.onmessage = ({ data }) => {
      worker.terminate();
      data === "done" ? resolve() : reject(new Error(String(data)));
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(event.message || "the thread's script could not be loaded"));
    };
    worker.postMessage([module, memory, job]);
  });
}
