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

// Resolves with [end] once the thread runs its job (like Python's
// Thread.start()); `end` resolves when the job has returned. Either
// rejects if the thread fails first.
export function spawn_thread(glue, module, memory, job) {
  return new Promise((started, notStarted) => {
    let finish;
    const end = new Promise((resolve, reject) => { finish = { resolve, reject }; });
    end.catch(() => {}); // awaited only if the thread started
    const fail = (error) => {
      worker.terminate();
      finish.reject(error);
      notStarted(error);
    };
    const worker = new Worker(new URL("thread.js", self.location.href), { type: "module" });
    worker.onmessage = ({ data }) => {
      if (data === "started") return started([end]);
      if (data !== "done") return fail(new Error(String(data)));
      worker.terminate();
      finish.resolve();
    };
    worker.onerror = (event) => {
      event.preventDefault();
      fail(new Error(event.message || "the thread's script could not be loaded"));
    };
    worker.postMessage([glue, module, memory, job]);
  });
}
