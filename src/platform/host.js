// Browser side of src/platform/host.rs (a module file, not inline JS:
// the page and the worker bundle each number their inline snippets, and
// two different inline0.js files would collide in dist/snippets).

// When the page's last frame was drawn (see yield_now); page only. The
// frame callback re-arms itself only while yields keep coming, so it stops
// one frame after the last yield.
let lastFrame = -Infinity;
let watching = false;
let yielded = false;
function onFrame() {
  lastFrame = performance.now();
  watching = yielded;
  yielded = false;
  if (watching) requestAnimationFrame(onFrame);
}

// Most frame gap a yield lets pass before it waits for a frame, in ms.
const FRAME_DUE_MS = 20;

export function yield_now() {
  const onPage = typeof document !== "undefined";
  if (onPage) {
    yielded = true;
    if (!watching) {
      watching = true;
      lastFrame = performance.now();
      requestAnimationFrame(onFrame);
    }
  }
  return new Promise((resolve) => {
    // A message task, not setTimeout: no 4 ms clamping when nested, and the
    // browser may render between tasks.
    const resume = () => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { channel.port1.close(); resolve(); };
      channel.port2.postMessage(null);
    };
    // Firefox runs message tasks ahead of rendering for as long as they
    // come (measured: Cooperative went 55-67 ms without a frame, against
    // 19 ms in Chromium). Once a frame is due, wait for it: the message
    // posted from the frame's callback runs after that frame is painted.
    if (onPage && performance.now() - lastFrame > FRAME_DUE_MS) requestAnimationFrame(resume);
    else resume();
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
