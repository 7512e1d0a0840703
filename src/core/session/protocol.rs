//! The one message protocol between the page and the compute worker.
//! Messages are Rust enums, serialised to JSON strings here and nowhere else.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::core::mode::Mode;
use crate::core::run::record::{RunRecord, TaskRecord};
use crate::core::workload::Params;

/// Page → compute worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Start the shared-memory pool with this many threads (once per worker:
    /// the pool cannot be resized, a new size needs a new worker).
    Init { threads: u32 },
    /// Run the workload in each mode, in order.
    Run(RunRequest),
    /// To an isolated worker, once per run: what its tasks belong to. The
    /// worker builds the workload once and keeps it for the run's tasks.
    Setup(TaskSetup),
    /// To an isolated worker: run task `index` of the last `Setup` (the
    /// whole message is this number: a task costs one short message each way).
    Task { index: usize },
    /// To an isolated worker running a task that takes items: items other
    /// workers' tasks put; `last`: no more will come.
    Items { items: Vec<u64>, last: bool },
    /// Draw the workload's picture, if it has one.
    Picture { workload: String, params: Params },
}

/// An isolated worker's run: the workload it builds itself, once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskSetup {
    pub workload: String,
    pub params: Params,
    /// The worker's slot, reported as its tasks' worker.
    pub slot: u32,
    /// Task times are relative to this (shared clock, ms).
    pub t0: f64,
    pub panic_task: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRequest {
    pub id: u64,
    pub workload: String,
    pub params: Params,
    pub modes: Vec<Mode>,
    /// Threads for the modes that use several (isolated workers; the pool's
    /// size is fixed when the worker starts).
    pub workers: u32,
    /// GIL switch interval, ms.
    pub switch_ms: f64,
    /// Make this task panic, to show what a crash does in each mode.
    pub panic_task: Option<usize>,
    /// Sequential's answer, to check against when no reference is known.
    pub baseline: Option<String>,
    /// Which step of the page's plan this is (progress reports carry it).
    pub step: usize,
}

/// Compute worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker's wasm is up and listening.
    Loaded,
    /// The pool is ready.
    Ready { threads: u32, startup_ms: f64 },
    /// The pool could not start (a browser that cannot share memory with
    /// a worker): the page runs only its own modes.
    PoolFailed { error: String },
    /// One mode finished.
    ModeDone { id: u64, run: RunRecord },
    /// Every mode of the run finished.
    Finished { id: u64 },
    /// From an isolated worker: an item its task put, for other workers'
    /// tasks (one message per item, like `multiprocessing.Queue.put`).
    Put { item: u64 },
    /// From an isolated worker: one task done.
    TaskDone { value: Option<u64>, record: TaskRecord },
    /// The workload's picture: palette indices, base64url.
    Picture { width: u32, height: u32, pixels: String },
    /// Something went wrong; `id` is the run it belongs to, if any.
    Failed { id: Option<u64>, error: String },
    /// A thread of the worker panicked: to its parent, and from a thread
    /// of the shared memory also on the crash channel (its parent waits
    /// for it and cannot hear). The crash itself follows.
    Panicked { error: String },
}

/// Tasks done so far in step `step` of run `id`: what any thread of a run
/// posts on the progress channel (at most every 100 ms) without blocking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressReport {
    pub id: u64,
    pub step: usize,
    pub done: usize,
}

/// A message this side cannot read: another build, or a damaged message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadMessage(String);

impl std::fmt::Display for BadMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unreadable message from the other side: {}", self.0)
    }
}

impl std::error::Error for BadMessage {}

/// Serialises a message for `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> String {
    serde_json::to_string(message).expect("messages are plain data: they always serialise")
}

/// # Errors
/// The text is not a message of type `T` (wrong build, corrupted message).
pub fn decode<T: DeserializeOwned>(text: &str) -> Result<T, BadMessage> {
    // From bytes, as share links are read: one reader, so the records both
    // carry (runs, tasks) have one deserialiser in the download, not two.
    serde_json::from_slice(text.as_bytes()).map_err(|e| BadMessage(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip() {
        let run = ToWorker::Run(RunRequest {
            id: 7,
            workload: "primes".into(),
            params: [("bounds".to_string(), "10".to_string())].into(),
            modes: vec![Mode::Sequential, Mode::Pool],
            workers: 2,
            switch_ms: 5.0,
            panic_task: None,
            baseline: None,
            step: 3,
        });
        assert_eq!(decode::<ToWorker>(&encode(&run)).unwrap(), run);
        let task = ToWorker::Task { index: 12 };
        assert_eq!(encode(&task), r#"{"Task":{"index":12}}"#);
        assert_eq!(decode::<ToWorker>(&encode(&task)).unwrap(), task);
        let failed = FromWorker::Failed { id: None, error: "x".into() };
        assert_eq!(decode::<FromWorker>(&encode(&failed)).unwrap(), failed);
        let report = ProgressReport { id: 3, step: 1, done: 12 };
        assert_eq!(decode::<ProgressReport>(&encode(&report)).unwrap(), report);
        assert!(decode::<ProgressReport>("3 1 12").unwrap_err().to_string().starts_with("unreadable message"));
        assert!(decode::<FromWorker>("{\"Nope\":1}").is_err());
    }
}
