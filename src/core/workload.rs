//! The workload abstraction: what a piece of work is, how it splits into
//! tasks and how its answer is checked. Adding a workload is one new file
//! with a [`WorkloadSpec`] and one entry in [`CATALOGUE`].

use super::map::Map;
use std::fmt;

/// Raw parameters by query key (`bounds`, `chunk`, …).
pub type Params = Map<String>;

/// What [`WorkloadSpec::build`] makes: the workload and its canonical params.
pub type Built = (Box<dyn Workload>, Params);

/// A piece of work split into independent tasks.
///
/// Tasks are numbered `0..task_count()`; each returns a `u64` partial value
/// and [`Workload::answer`] combines them, in task order, into the result
/// shown to the person and checked against [`Workload::reference`].
pub trait Workload: Send + Sync {
    fn task_count(&self) -> usize;
    /// What task `index` covers, for tables and timelines.
    fn task_label(&self, index: usize) -> String;
    /// Does task `index`. Pure: the same index always gives the same value.
    fn run_task(&self, index: usize) -> u64;
    /// Task `index`'s value in words, for the task table.
    fn task_result(&self, _index: usize, value: u64) -> String {
        value.to_string()
    }
    /// The result of the whole work, from the task values in task order.
    fn answer(&self, values: &[u64]) -> String;
    /// How many slices task `index` runs in, for the modes that interleave
    /// or hand over a lock between slices (GIL, cooperative).
    fn slice_count(&self, _index: usize) -> usize {
        1
    }
    /// Slice `slice` of task `index`. A task's value is the wrapping sum of
    /// its slices' values.
    fn run_slice(&self, index: usize, _slice: usize) -> u64 {
        self.run_task(index)
    }
    /// How long task `index` waits (simulated IO) before its work, in ms.
    /// Each mode waits its own way: a blocking sleep on a worker thread, a
    /// timer on an event loop, a busy loop on the page's thread.
    fn wait_ms(&self, _index: usize) -> f64 {
        0.0
    }
    /// One step of task `index`: `Some(value)` when it is done, `None` when
    /// it waits for other tasks (a consumer for its producers) and must
    /// let them run before it is called again. A task that waits has one
    /// slice. Tasks that never wait are done in one step.
    fn step(&self, index: usize) -> Option<u64> {
        Some(self.run_task(index))
    }
    /// Whether task `index` takes items other tasks put (see
    /// [`Workload::take_items`]).
    fn takes_items(&self, _index: usize) -> bool {
        false
    }
    /// Items this instance's tasks put for others, taken out of it:
    /// isolated workers share no memory and pass them on by message.
    fn take_items(&self) -> Vec<u64> {
        Vec::new()
    }
    /// Items passed on from other instances; `last`: every task that puts
    /// items is done, no more will come.
    fn give_items(&self, _items: &[u64], _last: bool) {}
    /// How many items the tasks pass to each other in all, for the cost
    /// of one item.
    fn items_passed(&self) -> Option<u64> {
        None
    }
    /// Real IO task `index` does after its wait (a download, a file copy).
    /// The task's value is then the IO's: the bytes it moved and checked.
    fn io(&self, _index: usize) -> Option<super::io::Io> {
        None
    }
    /// Why this input is too large for the main-thread mode, which blocks
    /// the page while it runs (busy waits, blocking IO), if it is.
    /// Cooperative, on the same thread but yielding, has no such limit.
    fn main_thread_limit(&self) -> Option<String> {
        None
    }
    /// Whether `answer` is right. Usually: it is the reference answer.
    fn is_correct(&self, answer: &str, reference: &Reference) -> bool {
        answer == reference.answer
    }
    /// Why `mode` does not apply to this workload, if it does not.
    fn unsupported(&self, _mode: super::mode::Mode) -> Option<&'static str> {
        None
    }
    /// How many [`SharedCells`] its tasks use when they run on isolated
    /// workers (memory shared on purpose, like `multiprocessing.Value`);
    /// 0: none. The host makes them and hands them with [`Workload::share`]
    /// to its own copy of the workload and to every worker's.
    fn shared_cells(&self) -> usize {
        0
    }
    /// This copy's view of the run's shared cells.
    fn share(&self, _cells: std::sync::Arc<dyn SharedCells>) {}
    /// A picture of the result, for workloads that draw one.
    fn picture(&self) -> Option<Picture> {
        None
    }
    /// The answer known without running the tasks (a table, or an
    /// independent algorithm); `None` means "compare with Sequential".
    fn reference(&self) -> Option<Reference>;
}

/// Integer cells that isolated workers share although nothing else of
/// their memory is: a `SharedArrayBuffer` in the browser, like the shared
/// memory behind `multiprocessing.Value`. Every access is atomic; a
/// read-then-write of two accesses is not.
pub trait SharedCells: Send + Sync {
    fn load(&self, cell: usize) -> i32;
    fn store(&self, cell: usize, value: i32);
    fn add(&self, cell: usize, value: i32);
    /// Sets `cell` to `new` if it holds `current`; returns what it held.
    fn compare_exchange(&self, cell: usize, current: i32, new: i32) -> i32;
}

/// [`SharedCells`] in this process's memory, for the host (native threads
/// standing in for isolated workers) and tests.
pub struct LocalCells(pub Vec<std::sync::atomic::AtomicI32>);

impl LocalCells {
    pub fn new(n: usize) -> LocalCells {
        LocalCells((0..n).map(|_| std::sync::atomic::AtomicI32::new(0)).collect())
    }
}

impl SharedCells for LocalCells {
    fn load(&self, cell: usize) -> i32 {
        self.0[cell].load(std::sync::atomic::Ordering::SeqCst)
    }
    fn store(&self, cell: usize, value: i32) {
        self.0[cell].store(value, std::sync::atomic::Ordering::SeqCst);
    }
    fn add(&self, cell: usize, value: i32) {
        self.0[cell].fetch_add(value, std::sync::atomic::Ordering::SeqCst);
    }
    fn compare_exchange(&self, cell: usize, current: i32, new: i32) -> i32 {
        use std::sync::atomic::Ordering::SeqCst;
        self.0[cell].compare_exchange(current, new, SeqCst, SeqCst).unwrap_or_else(|held| held)
    }
}

/// An image: one palette index per pixel, row by row (0 is black).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// An answer to check runs against, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub answer: String,
    pub source: &'static str,
}

/// One parameter a workload takes from the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    pub key: &'static str,
    pub label: &'static str,
    pub default: &'static str,
    /// The accepted values and limits, shown beside the input.
    pub help: &'static str,
}

/// A workload in the catalogue: its id for `workload=`, its words for the
/// page, its parameters, and how to build it from them.
#[derive(Clone, Copy)]
pub struct WorkloadSpec {
    pub id: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub about: &'static str,
    /// The tutorial it comes from.
    pub source: &'static str,
    pub params: &'static [ParamSpec],
    /// Validates `params` and returns the workload with its parameters in
    /// canonical form (what the URL shows).
    pub build: fn(&Params) -> Result<Built, SetupError>,
    /// Runs the workload's hot code briefly (tens of ms), so a worker's
    /// first measured run is not on baseline-compiled code.
    pub warm_up: fn(),
}

impl fmt::Debug for WorkloadSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WorkloadSpec").field("id", &self.id).finish_non_exhaustive()
    }
}

impl WorkloadSpec {
    pub fn default_params(&self) -> Params {
        self.params
            .iter()
            .filter(|p| !p.default.is_empty())
            .map(|p| (p.key.to_string(), p.default.to_string()))
            .collect()
    }
}

/// Every workload the page offers, in menu order.
pub const CATALOGUE: &[WorkloadSpec] = &[
    super::primes::SPEC,
    super::tight_loop::SPEC,
    super::mandelbrot::SPEC,
    super::timers::SPEC,
    super::fetch::SPEC,
    super::files::SPEC,
    super::counter::SPEC,
    super::queue::SPEC,
    super::tiny::SPEC,
];

/// Warms every workload's hot code: browsers compile wasm in tiers and
/// the first calls run slower code, which would make whichever mode runs
/// first (Sequential, the baseline) look slow.
pub fn warm_up_all() {
    for spec in CATALOGUE {
        (spec.warm_up)();
    }
}

/// Calls a small workload's task entry points a few times through the
/// trait object, as the executors do, so those very functions tier up.
pub fn exercise(work: &dyn Workload) {
    for _ in 0..3 {
        for i in 0..work.task_count() {
            std::hint::black_box(work.run_task(i));
            std::hint::black_box(work.run_slice(i, 0));
        }
    }
}

/// The catalogue entry with this id.
pub fn find(id: &str) -> Option<&'static WorkloadSpec> {
    CATALOGUE.iter().find(|w| w.id == id)
}

/// Parameter `key` as a whole number from 1 to `max` (`_` separators
/// allowed); `default` when it is absent or empty.
///
/// # Errors
/// Not a whole number, or outside `1 ..= max`.
pub fn whole_number(params: &Params, key: &'static str, default: u64, max: u64) -> Result<u64, SetupError> {
    match params.get(key).map(|s| s.trim()) {
        None | Some("") => Ok(default),
        Some(text) => match text.replace('_', "").parse::<u64>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(SetupError::param(key, format!("{text:?} is not a whole number from 1 to {max}"))),
        },
    }
}

/// A rejected setup value: which parameter, and why, in words for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupError {
    pub param: Option<&'static str>,
    pub message: String,
}

impl SetupError {
    pub fn param(key: &'static str, message: impl Into<String>) -> Self {
        SetupError { param: Some(key), message: message.into() }
    }
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.param {
            Some(p) => write!(f, "{p}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SetupError {}
