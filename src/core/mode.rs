//! Execution modes: the ids the URL uses and the words the page shows. How
//! each mode runs lives in `exec/`, one file per mode.

use serde::{Deserialize, Serialize};

/// In JSON and in URLs, a mode is its [`Mode::id`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One thread, in the compute worker: the baseline.
    #[default]
    Sequential,
    /// One thread, the page's own: the page freezes.
    Main,
    /// A fresh thread (Web Worker on the shared memory) per task.
    Spawn,
    /// rayon on Web Workers sharing one memory (wasm-bindgen-rayon).
    Pool,
    /// The pool, but every slice of work needs one global lock.
    Gil,
    /// N workers, each its own wasm instance and memory; messages only.
    Isolated,
    /// Futures on one thread's event loop.
    Async,
    /// Tasks in slices, yielding to the page's event loop between slices.
    Coop,
}

/// Where a mode runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// On the page's main thread.
    Page,
    /// In the compute worker (and the workers it starts).
    Worker,
}

impl Mode {
    /// Every mode, in the fixed order a run uses.
    pub const ALL: &'static [Mode] =
        &[Mode::Sequential, Mode::Main, Mode::Spawn, Mode::Pool, Mode::Gil, Mode::Isolated, Mode::Async, Mode::Coop];

    /// Ticked when the URL names no modes.
    pub const DEFAULT: &'static [Mode] = &[Mode::Sequential, Mode::Pool];

    pub fn id(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Main => "main",
            Mode::Spawn => "spawn",
            Mode::Pool => "pool",
            Mode::Gil => "gil",
            Mode::Isolated => "isolated",
            Mode::Async => "async",
            Mode::Coop => "coop",
        }
    }

    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "Sequential",
            Mode::Main => "Main thread",
            Mode::Spawn => "Thread per task",
            Mode::Pool => "Thread pool",
            Mode::Gil => "GIL emulation",
            Mode::Isolated => "Isolated workers",
            Mode::Async => "Async",
            Mode::Coop => "Cooperative",
        }
    }

    pub fn place(self) -> Place {
        match self {
            Mode::Main | Mode::Coop => Place::Page,
            _ => Place::Worker,
        }
    }

    /// Uses the worker count (the others run on one thread).
    pub fn uses_workers(self) -> bool {
        matches!(self, Mode::Spawn | Mode::Pool | Mode::Gil | Mode::Isolated)
    }

    /// The Python the tutorials write for the same idea.
    pub fn python(self) -> &'static str {
        match self {
            Mode::Sequential => "for task in tasks: work(task)",
            Mode::Main => "a loop in the GUI thread (\"no parallel processing\")",
            Mode::Spawn => "threading.Thread(target=f).start() … t.join(), one per task",
            Mode::Pool => "ThreadPoolExecutor.map / multiprocessing.Pool.map",
            Mode::Gil => "ThreadPoolExecutor on CPython: threads take turns holding the GIL",
            Mode::Isolated => "multiprocessing.Pool / ProcessPoolExecutor",
            Mode::Async => "await asyncio.gather(*tasks)",
            Mode::Coop => "a generator-based event loop: each task yields between steps",
        }
    }

    /// What it is, when it wins, when it loses.
    pub fn about(self) -> &'static str {
        match self {
            Mode::Sequential => {
                "A plain loop on one thread, in the compute worker so the page stays alive. \
                 The baseline every other mode is compared with."
            }
            Mode::Main => {
                "The same loop on the page's own thread. Nothing else can happen until it ends: \
                 no clicks, no animation; the responsiveness figures show the freeze. \
                 Limited to small inputs so the tab never locks for long."
            }
            Mode::Spawn => {
                "Starts a fresh thread (a Web Worker on the shared memory) for every task and \
                 joins them all. As with Python's Thread.start(), each start waits until its \
                 thread runs, so threads start one after another while the started ones work. \
                 Real parallelism, but each thread costs a worker start-up, and many tasks mean \
                 many threads: it does not scale to many small tasks."
            }
            Mode::Pool => {
                "A rayon pool of N Web Workers sharing one WebAssembly memory, started once and \
                 reused; idle workers steal tasks. No GIL: CPU-bound work really runs in \
                 parallel, up to the number of cores. Results come back in submission order."
            }
            Mode::Gil => {
                "The pool, with one global lock that a thread must hold to run, handed over every \
                 switch interval (5 ms), as CPython's GIL does. CPU-bound work gains nothing from \
                 more threads and pays for the hand-overs; waiting (IO) still overlaps, because \
                 a waiting thread lets go of the lock."
            }
            Mode::Isolated => {
                "N Web Workers, each with its own wasm instance and memory, like processes: \
                 tasks and results are copied by postMessage. Real speedup, with a higher start-up \
                 and per-message cost; a task that crashes takes down only its worker. Like a Pool kept \
                 open, the workers stay for the next run: the first run (the warm-up) pays their start-up."
            }
            Mode::Async => {
                "Tasks as futures on one thread's event loop (wasm-bindgen-futures). Waits \
                 overlap, so IO-bound work finishes in about the longest wait; CPU-bound tasks \
                 simply run one after another: no speedup."
            }
            Mode::Coop => {
                "Every task runs in small slices on the page's own thread and yields to the event \
                 loop between slices, so tasks interleave and the page stays alive. No speedup: \
                 one thread, plus the cost of yielding."
            }
        }
    }

    /// Needs a cross-origin isolated page (shared memory or the compute
    /// worker built on it).
    pub fn needs_isolation(self) -> bool {
        self.place() == Place::Worker
    }
}

/// Modes in run order, without repeats.
pub fn normalise_modes(mut modes: Vec<Mode>) -> Vec<Mode> {
    // Mode order is total (Ord follows Mode::ALL), so an unstable sort is exact.
    modes.sort_unstable();
    modes.dedup();
    modes
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `normalise_modes` sorts by `Ord`, which must be run order.
    #[test]
    fn the_order_of_modes_is_run_order() {
        assert!(Mode::ALL.windows(2).all(|w| w[0] < w[1]));
        for &m in Mode::ALL {
            assert_eq!(Mode::from_id(m.id()), Some(m));
        }
    }
}
