//! Execution modes: the ids the URL uses and the words the page shows. How
//! each mode runs lives in `exec/`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One thread, in the compute worker: the baseline.
    Sequential,
    /// rayon on Web Workers sharing one memory (wasm-bindgen-rayon).
    Pool,
}

impl Mode {
    /// Every mode, in the fixed order a run uses.
    pub const ALL: &'static [Mode] = &[Mode::Sequential, Mode::Pool];

    pub fn id(self) -> &'static str {
        match self {
            Mode::Sequential => "sequential",
            Mode::Pool => "pool",
        }
    }

    pub fn from_id(id: &str) -> Option<Mode> {
        Mode::ALL.iter().copied().find(|m| m.id() == id)
    }

    pub fn name(self) -> &'static str {
        match self {
            Mode::Sequential => "Sequential",
            Mode::Pool => "Thread pool",
        }
    }

    /// Needs SharedArrayBuffer, that is a cross-origin isolated page.
    pub fn needs_shared_memory(self) -> bool {
        matches!(self, Mode::Pool)
    }

    pub fn about(self) -> &'static str {
        match self {
            Mode::Sequential => {
                "A plain loop on one thread (in the compute worker, so the page stays alive). \
                 The baseline every other mode is compared with."
            }
            Mode::Pool => {
                "A rayon thread pool of N Web Workers sharing one WebAssembly memory; tasks are \
                 stolen by idle workers and results come back in order. Like ThreadPool.map or \
                 Pool.map in the tutorials, but with no GIL: CPU-bound work really runs in parallel."
            }
        }
    }
}
