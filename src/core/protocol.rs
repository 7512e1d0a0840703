//! The one message protocol between the page and the compute worker.
//! Messages are Rust enums, serialised to JSON strings here and nowhere else.

use super::json::{self, FromJson, Json, ToJson, Writer};

use super::mode::Mode;
use super::record::{RunRecord, TaskRecord};
use super::workload::Params;

/// Page → compute worker.
#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub struct TaskSetup {
    pub workload: String,
    pub params: Params,
    /// The worker's slot, reported as its tasks' worker.
    pub slot: u32,
    /// Task times are relative to this (shared clock, ms).
    pub t0: f64,
    pub panic_task: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
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
#[derive(Debug, Clone, PartialEq)]
pub enum FromWorker {
    /// The worker's wasm is up and listening.
    Loaded,
    /// The pool is ready.
    Ready { threads: u32, startup_ms: f64 },
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
}

/// Serialises a message for `postMessage`.
pub fn encode<T: ToJson>(message: &T) -> String {
    json::to_string(message)
}

/// # Errors
/// The text is not a message of type `T` (wrong build, corrupted message).
pub fn decode<T: FromJson>(text: &str) -> Result<T, String> {
    json::from_str(text).map_err(|e| format!("unreadable message from the other side: {e}"))
}

// ---- JSON: enums externally tagged, `{"Variant": {fields}}` -------------

fn unknown(name: &str) -> String {
    format!("unknown message `{name}`")
}

impl ToJson for ToWorker {
    fn write_json(&self, w: &mut Writer) {
        match self {
            ToWorker::Init { threads } => w.tagged("Init").field("threads", threads).end(),
            ToWorker::Run(run) => w.variant("Run", run),
            ToWorker::Setup(setup) => w.variant("Setup", setup),
            ToWorker::Task { index } => w.tagged("Task").field("index", index).end(),
            ToWorker::Items { items, last } => w.tagged("Items").field("items", items).field("last", last).end(),
            ToWorker::Picture { workload, params } => {
                w.tagged("Picture").field("workload", workload).field("params", params).end();
            }
        }
    }
}

impl FromJson for ToWorker {
    fn from_json(value: Json<'_>) -> Result<ToWorker, String> {
        let (name, inner) = value.variant()?;
        let message = match name.as_str() {
            "Run" => ToWorker::Run(RunRequest::from_json(inner)?),
            "Setup" => ToWorker::Setup(TaskSetup::from_json(inner)?),
            _ => {
                let mut f = inner.fields()?;
                let message = match name.as_str() {
                    "Init" => ToWorker::Init { threads: f.req("threads") },
                    "Task" => ToWorker::Task { index: f.req("index") },
                    "Items" => ToWorker::Items { items: f.req("items"), last: f.req("last") },
                    "Picture" => ToWorker::Picture { workload: f.req("workload"), params: f.req("params") },
                    _ => return Err(unknown(&name)),
                };
                f.done(message)?
            }
        };
        Ok(message)
    }
}

impl ToJson for FromWorker {
    fn write_json(&self, w: &mut Writer) {
        match self {
            FromWorker::Loaded => w.string("Loaded"),
            FromWorker::Ready { threads, startup_ms } => {
                w.tagged("Ready").field("threads", threads).field("startup_ms", startup_ms).end();
            }
            FromWorker::ModeDone { id, run } => w.tagged("ModeDone").field("id", id).field("run", run).end(),
            FromWorker::Finished { id } => w.tagged("Finished").field("id", id).end(),
            FromWorker::Put { item } => w.tagged("Put").field("item", item).end(),
            FromWorker::TaskDone { value, record } => {
                w.tagged("TaskDone").field("value", value).field("record", record).end();
            }
            FromWorker::Picture { width, height, pixels } => {
                w.tagged("Picture").field("width", width).field("height", height).field("pixels", pixels).end();
            }
            FromWorker::Failed { id, error } => w.tagged("Failed").field("id", id).field("error", error).end(),
        }
    }
}

impl FromJson for FromWorker {
    fn from_json(value: Json<'_>) -> Result<FromWorker, String> {
        let (name, inner) = value.variant()?;
        if name == "Loaded" {
            return Ok(FromWorker::Loaded);
        }
        let mut f = inner.fields()?;
        let message = match name.as_str() {
            "Ready" => FromWorker::Ready { threads: f.req("threads"), startup_ms: f.req("startup_ms") },
            "ModeDone" => FromWorker::ModeDone { id: f.req("id"), run: f.req("run") },
            "Finished" => FromWorker::Finished { id: f.req("id") },
            "Put" => FromWorker::Put { item: f.req("item") },
            "TaskDone" => FromWorker::TaskDone { value: f.or("value", None), record: f.req("record") },
            "Picture" => {
                FromWorker::Picture { width: f.req("width"), height: f.req("height"), pixels: f.req("pixels") }
            }
            "Failed" => FromWorker::Failed { id: f.or("id", None), error: f.req("error") },
            _ => return Err(unknown(&name)),
        };
        f.done(message)
    }
}

impl ToJson for TaskSetup {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("workload", &self.workload)
            .field("params", &self.params)
            .field("slot", &self.slot)
            .field("t0", &self.t0)
            .field("panic_task", &self.panic_task)
            .end();
    }
}

impl FromJson for TaskSetup {
    fn from_json(value: Json<'_>) -> Result<TaskSetup, String> {
        let mut f = value.fields()?;
        let value = TaskSetup {
            workload: f.req("workload"),
            params: f.req("params"),
            slot: f.req("slot"),
            t0: f.req("t0"),
            panic_task: f.or("panic_task", None),
        };
        f.done(value)
    }
}

impl ToJson for RunRequest {
    fn write_json(&self, w: &mut Writer) {
        w.object()
            .field("id", &self.id)
            .field("workload", &self.workload)
            .field("params", &self.params)
            .field("modes", &self.modes)
            .field("workers", &self.workers)
            .field("switch_ms", &self.switch_ms)
            .field("panic_task", &self.panic_task)
            .field("baseline", &self.baseline)
            .field("step", &self.step)
            .end();
    }
}

impl FromJson for RunRequest {
    fn from_json(value: Json<'_>) -> Result<RunRequest, String> {
        let mut f = value.fields()?;
        let value = RunRequest {
            id: f.req("id"),
            workload: f.req("workload"),
            params: f.req("params"),
            modes: f.req("modes"),
            workers: f.req("workers"),
            switch_ms: f.req("switch_ms"),
            panic_task: f.or("panic_task", None),
            baseline: f.or("baseline", None),
            step: f.or("step", 0),
        };
        f.done(value)
    }
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
        assert!(decode::<FromWorker>("{\"Nope\":1}").is_err());
    }
}
