//! The workload abstraction: what a piece of work is, how it splits into
//! tasks, how its answer is checked, and the optional capabilities some
//! workloads have.

use std::collections::BTreeMap;
use std::fmt;

use super::io::Io;
use crate::core::mode::Mode;

/// Raw parameters by query key (`bounds`, `chunk`, …).
pub type Params = BTreeMap<String, String>;

/// What [`WorkloadSpec::build`] makes: the workload and its canonical params.
pub type Built = (Box<dyn Workload>, Params);

/// A piece of work split into independent tasks: what every workload has.
///
/// Tasks are numbered `0..task_count()`; each returns a `u64` partial value
/// and [`Workload::answer`] combines them, in task order, into the result
/// shown to the person and checked against [`Workload::reference`].
/// Anything more (slices, waits, real IO, a queue, shared cells, a picture,
/// limits on where it runs) is an optional capability that
/// [`Workload::traits`] hands out, and that only the executors which use
/// it ask for.
pub trait Workload: Send + Sync {
    fn task_count(&self) -> usize;
    /// What task `index` covers, for tables and timelines.
    fn task_label(&self, index: usize) -> String;
    /// Does task `index`. Pure: the same index always gives the same value.
    fn run_task(&self, index: usize) -> u64;
    /// The result of the whole work, from the task values in task order.
    fn answer(&self, values: &[u64]) -> String;
    /// The answer known without running the tasks (a table, or an
    /// independent algorithm); `None` means "compare with Sequential".
    fn reference(&self) -> Option<Reference>;
    /// The optional capabilities this workload has; none by default.
    fn traits(&self) -> Traits<'_> {
        Traits::default()
    }
}

/// A workload's optional capabilities: each is `Some` when it has it.
#[derive(Clone, Copy, Default)]
pub struct Traits<'a> {
    /// Runs a task in slices (the GIL hands over between them; the
    /// cooperative mode yields between them).
    pub sliced: Option<&'a dyn Sliced>,
    /// Tasks wait (simulated latency) before their work.
    pub waits: Option<&'a dyn Waits>,
    /// Tasks do real IO (a download, a file copy).
    pub io: Option<&'a dyn TaskIo>,
    /// Tasks pass items to each other (producers and consumers).
    pub exchange: Option<&'a dyn Exchange>,
    /// Tasks on isolated workers share some memory on purpose.
    pub cells: Option<&'a dyn UsesCells>,
    /// The result is a picture.
    pub draws: Option<&'a dyn Draws>,
    /// Where it may run and how its answer is judged.
    pub policy: Option<&'a dyn Policy>,
}

/// Tasks in slices: for the modes that interleave tasks or hand a lock
/// over between slices (GIL, cooperative).
pub trait Sliced: Send + Sync {
    /// How many slices task `index` runs in.
    fn slice_count(&self, index: usize) -> usize;
    /// Slice `slice` of task `index`. A task's value is the wrapping sum of
    /// its slices' values.
    fn run_slice(&self, index: usize, slice: usize) -> u64;
}

/// Simulated IO: each mode waits its own way (a blocking sleep on a worker
/// thread, a timer on an event loop, a busy loop on the page's thread).
pub trait Waits: Send + Sync {
    /// How long task `index` waits before its work, in ms.
    fn wait_ms(&self, index: usize) -> f64;
}

/// Real IO after the wait: the task's value is then the bytes it moved
/// and checked.
pub trait TaskIo: Send + Sync {
    fn io(&self, index: usize) -> Io;
}

/// Tasks that pass items to each other through a queue: producers that
/// put, consumers that take until every producer is done.
pub trait Exchange: Send + Sync {
    /// One step of task `index`: `Some(value)` when it is done, `None` when
    /// it waits for other tasks (a consumer for its producers) and must let
    /// them run before it is called again.
    fn step(&self, index: usize) -> Option<u64>;
    /// Whether task `index` takes the items others put.
    fn takes_items(&self, index: usize) -> bool;
    /// This copy runs beside copies that share none of its memory (on an
    /// isolated worker): what its tasks put leaves through
    /// [`Exchange::take_items`], what others put arrives through
    /// [`Exchange::give_items`], and a task that takes items is done only
    /// once it was told that the last item came. Without this, the copy's
    /// own producers finishing would look like every producer finishing.
    fn separate(&self);
    /// Items this copy's tasks put for others, taken out of it.
    fn take_items(&self) -> Vec<u64>;
    /// Items put by other copies; `last`: every task that puts items is
    /// done, no more will come.
    fn give_items(&self, items: &[u64], last: bool);
    /// How many items the tasks pass to each other in all, for the cost of
    /// one item.
    fn items_passed(&self) -> u64;
    /// Task `index`'s value in words, for the task table.
    fn task_result(&self, index: usize, value: u64) -> String;
}

/// Memory shared on purpose between isolated workers, like
/// `multiprocessing.Value`: the host makes the cells and hands them with
/// [`UsesCells::share`] to its own copy of the workload and to every
/// worker's.
pub trait UsesCells: Send + Sync {
    /// How many cells the tasks use.
    fn cell_count(&self) -> usize;
    /// This copy's view of the run's shared cells.
    fn share(&self, cells: std::sync::Arc<dyn SharedCells>);
}

/// A picture of the result.
pub trait Draws: Send + Sync {
    fn picture(&self) -> Picture;
}

/// Where a workload may run and how its answer is judged.
pub trait Policy: Send + Sync {
    /// Why this input is too large for the main-thread mode, which blocks
    /// the page while it runs (busy waits, blocking IO), if it is.
    /// Cooperative, on the same thread but yielding, has no such limit.
    fn main_thread_limit(&self) -> Option<String> {
        None
    }
    /// Why `mode` does not apply to this workload, if it does not.
    fn unsupported(&self, _mode: Mode) -> Option<&'static str> {
        None
    }
    /// Whether `answer` is right; by default, it is the reference answer.
    fn is_correct(&self, answer: &str, reference: &Reference) -> bool {
        answer == reference.answer
    }
    /// Whether an answer someone else reported (a share link) can be
    /// checked here at once: the reference is a table or a formula, not a
    /// computation, and the answer does not depend on how the run went.
    fn checkable_at_once(&self) -> bool {
        true
    }
}

/// Whether a reported answer of `work` can be checked here at once (see
/// [`Policy::checkable_at_once`]).
pub fn checkable_at_once(work: &dyn Workload) -> bool {
    work.traits().policy.is_none_or(|p| p.checkable_at_once())
}

/// Why `mode` does not apply to `work`, if it does not.
pub fn unsupported(work: &dyn Workload, mode: Mode) -> Option<&'static str> {
    work.traits().policy.and_then(|p| p.unsupported(mode))
}

/// Why `work` is too large for the page's own thread, if it is.
pub fn main_thread_limit(work: &dyn Workload) -> Option<String> {
    work.traits().policy.and_then(|p| p.main_thread_limit())
}

/// Whether `answer` is right for `work`.
pub fn is_correct(work: &dyn Workload, answer: &str, reference: &Reference) -> bool {
    match work.traits().policy {
        Some(policy) => policy.is_correct(answer, reference),
        None => answer == reference.answer,
    }
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
    /// The tutorial it comes from, by its subject ("the tutorial on …"),
    /// then `: ` and the example it gives. Never a path of this repository:
    /// the page shows it to visitors.
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

/// Calls a small workload's task entry points a few times through the
/// trait object, as the executors do, so those very functions tier up.
pub fn exercise(work: &dyn Workload) {
    for _ in 0..3 {
        for i in 0..work.task_count() {
            std::hint::black_box(work.run_task(i));
            if let Some(sliced) = work.traits().sliced {
                std::hint::black_box(sliced.run_slice(i, 0));
            }
        }
    }
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
