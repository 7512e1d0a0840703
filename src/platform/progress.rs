//! Tasks done while a mode runs, reported to the page on a broadcast
//! channel: any thread can post to one without blocking, including pool
//! threads whose parent (the compute worker) is blocked in the run.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use wasm_bindgen::JsValue;
use web_sys::BroadcastChannel;

use super::clock::SharedClock;
use crate::core::run::clock::Clock;
use crate::core::session::protocol::{encode, ProgressReport};
use crate::exec::TaskProgress;

/// Name of the channel; messages are [`ProgressReport`]s.
pub const PROGRESS_CHANNEL: &str = "spindle-progress";

/// At most one report per this many ms: the page shows the latest count
/// every 100 ms.
const EVERY_MS: f64 = 100.0;

thread_local! {
    static CHANNEL: Option<BroadcastChannel> = BroadcastChannel::new(PROGRESS_CHANNEL).ok();
}

/// Counts one step's finished tasks and posts the count now and then.
pub struct Reporter {
    id: u64,
    step: usize,
    done: AtomicUsize,
    /// When the last report left (f64 bits, shared clock).
    last_ms: AtomicU64,
}

impl Reporter {
    pub fn new(id: u64, step: usize) -> Reporter {
        Reporter { id, step, done: AtomicUsize::new(0), last_ms: AtomicU64::new(0f64.to_bits()) }
    }
}

impl TaskProgress for Reporter {
    fn task_done(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let now = SharedClock.now_ms();
        let last = self.last_ms.load(Ordering::Relaxed);
        // One thread wins the right to report; the others carry on.
        if now - f64::from_bits(last) >= EVERY_MS
            && self.last_ms.compare_exchange(last, now.to_bits(), Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            let report = encode(&ProgressReport { id: self.id, step: self.step, done });
            CHANNEL.with(|c| {
                if let Some(channel) = c {
                    let _ = channel.post_message(&JsValue::from_str(&report));
                }
            });
        }
    }
}
