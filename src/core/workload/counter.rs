//! The shared counter of the tutorial (`shared/seeds/004`): t threads each
//! add 1 to one global counter m times, with and without a lock. Here every
//! task bumps three counters in lockstep, so all three variants meet the
//! same contention:
//!
//! - unsynchronised: an atomic load, then a store of the value + 1 (safe
//!   Rust, no undefined behaviour, but two threads can read the same value
//!   and one update is lost: `value += 1` without a `Lock`);
//! - atomic add (`fetch_add`);
//! - a `Mutex` around the read and the write.
//!
//! Expected t · m each; the unsynchronised one loses updates as soon as two
//! tasks run at the same time on real threads.
//!
//! On isolated workers (processes) each worker bumps its own copy, which
//! nobody else sees: the run's own copy stays at 0. The same three
//! variants then also run on [`SharedCells`] that all workers share, as
//! `multiprocessing.Value` does: the shared atomic and the shared counter
//! under a lock are exact, the shared unsynchronised one loses updates.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::api::{
    whole_number, Built, ParamSpec, Params, Policy, Reference, SetupError, SharedCells, Sliced, Traits, UsesCells,
    Workload, WorkloadSpec,
};

pub const MAX_TASKS: u64 = 64;
pub const MAX_INCREMENTS: u64 = 10_000_000;
/// Increments per slice (GIL and cooperative modes).
pub const SLICE: u64 = 10_000;
/// All increments together on the page's main thread.
pub const MAIN_THREAD_TOTAL: u64 = 20_000_000;

/// The shared cells (isolated workers): the three counters and the lock.
const RACY: usize = 0;
const ATOMIC: usize = 1;
const LOCKED: usize = 2;
const LOCK: usize = 3;
const CELLS: usize = 4;

pub const SPEC: WorkloadSpec = WorkloadSpec {
    id: "counter",
    name: "Shared counter (race)",
    kind: "shared state: a race and two cures",
    about: "t tasks each add 1 to a shared counter m times, in three ways at once: an unsynchronised \
            read-then-write, an atomic add, and a mutex. On real threads (thread per task, the pool) the \
            unsynchronised counter loses updates whenever two tasks read the same value; the atomic and \
            the mutex never do. On one thread nothing is lost, and the GIL only hands over between \
            slices, never between a read and its write. Isolated workers share no memory: each bumps its \
            own copy and the run's copy stays 0, so there they also bump counters in a SharedArrayBuffer \
            that all of them share, like multiprocessing.Value: the atomic and the locked one are exact, \
            the unsynchronised one loses updates.",
    source: "the tutorial on parallel processing with threads, locks and queues: 10 threads × 1,000,000 × counter += 1, with and without a Lock",
    params: &[
        ParamSpec { key: "tasks", label: "Threads", default: "10", help: "tasks that increment, 1 … 64" },
        ParamSpec {
            key: "increments",
            label: "Increments",
            default: "1000000",
            help: "per task, 1 … 10,000,000 (the tutorial: 1,000,000)",
        },
    ],
    build,
    warm_up: || super::api::exercise(&Counter::new(2, 1_000)),
};

pub struct Counter {
    pub tasks: u64,
    pub increments: u64,
    racy: AtomicU64,
    atomic: AtomicU64,
    locked: Mutex<u64>,
    /// On isolated workers: the cells all of them share.
    shared: OnceLock<Arc<dyn SharedCells>>,
}

impl fmt::Debug for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counter").field("tasks", &self.tasks).field("increments", &self.increments).finish()
    }
}

impl Counter {
    pub fn new(tasks: u64, increments: u64) -> Counter {
        Counter {
            tasks,
            increments,
            racy: AtomicU64::new(0),
            atomic: AtomicU64::new(0),
            locked: Mutex::new(0),
            shared: OnceLock::new(),
        }
    }

    fn bump(&self, times: u64) {
        let shared = self.shared.get();
        for _ in 0..times {
            // Read, then write: another thread's update in between is lost.
            let v = self.racy.load(Ordering::Relaxed);
            self.racy.store(v + 1, Ordering::Relaxed);
            self.atomic.fetch_add(1, Ordering::Relaxed);
            *self.locked.lock().unwrap_or_else(PoisonError::into_inner) += 1;
            if let Some(cells) = shared {
                let v = cells.load(RACY);
                cells.store(RACY, v + 1);
                cells.add(ATOMIC, 1);
                // `with value.get_lock(): value.value += 1`
                while cells.compare_exchange(LOCK, 0, 1) != 0 {
                    std::hint::spin_loop();
                }
                cells.store(LOCKED, cells.load(LOCKED) + 1);
                cells.store(LOCK, 0);
            }
        }
    }

    /// The shared (unsynchronised, atomic, locked) counters, if shared.
    pub fn shared_totals(&self) -> Option<(u64, u64, u64)> {
        let count = |cells: &Arc<dyn SharedCells>, cell| u64::try_from(cells.load(cell)).unwrap_or(0);
        self.shared.get().map(|c| (count(c, RACY), count(c, ATOMIC), count(c, LOCKED)))
    }

    /// (unsynchronised, atomic, mutex) as they stand.
    pub fn totals(&self) -> (u64, u64, u64) {
        (
            self.racy.load(Ordering::SeqCst),
            self.atomic.load(Ordering::SeqCst),
            *self.locked.lock().unwrap_or_else(PoisonError::into_inner),
        )
    }

    fn expected(&self) -> u64 {
        self.tasks * self.increments
    }
}

impl Workload for Counter {
    fn task_count(&self) -> usize {
        self.tasks as usize
    }

    fn task_label(&self, index: usize) -> String {
        format!("thread {index}: {} × counter += 1", self.increments)
    }

    fn run_task(&self, _index: usize) -> u64 {
        self.bump(self.increments);
        self.increments
    }

    fn answer(&self, _values: &[u64]) -> String {
        let (racy, atomic, locked) = self.totals();
        let lost = |racy: u64| self.expected().saturating_sub(racy);
        match self.shared_totals() {
            None => format!("unsynchronised {racy} (lost {}) · atomic {atomic} · mutex {locked}", lost(racy)),
            Some((s_racy, s_atomic, s_locked)) => format!(
                "shared: unsynchronised {s_racy} (lost {}) · atomic {s_atomic} · with a lock {s_locked}; \
                 not shared: {atomic} here (each worker bumped its own copy)",
                lost(s_racy)
            ),
        }
    }

    fn reference(&self) -> Option<Reference> {
        let e = self.expected();
        Some(Reference { answer: format!("atomic {e} · mutex {e}; unsynchronised ≤ {e}"), source: "t × m" })
    }

    fn traits(&self) -> Traits<'_> {
        Traits { sliced: Some(self), cells: Some(self), policy: Some(self), ..Traits::default() }
    }
}

impl Sliced for Counter {
    fn slice_count(&self, _index: usize) -> usize {
        self.increments.div_ceil(SLICE) as usize
    }

    fn run_slice(&self, _index: usize, slice: usize) -> u64 {
        let done = slice as u64 * SLICE;
        let n = SLICE.min(self.increments - done);
        self.bump(n);
        n
    }
}

impl UsesCells for Counter {
    fn cell_count(&self) -> usize {
        CELLS
    }

    fn share(&self, cells: Arc<dyn SharedCells>) {
        let _ = self.shared.set(cells);
    }
}

impl Policy for Counter {
    /// The unsynchronised count is whatever the run lost.
    fn checkable_at_once(&self) -> bool {
        false
    }

    fn main_thread_limit(&self) -> Option<String> {
        (self.expected() > MAIN_THREAD_TOTAL).then(|| {
            format!("{} increments; on the page's main thread the limit is {MAIN_THREAD_TOTAL}", self.expected())
        })
    }

    /// Right when the atomic and the mutex counters are exact; the
    /// unsynchronised one may only have lost updates, never gained any.
    /// On isolated workers: the same of the shared counters, and the
    /// run's own copy untouched.
    fn is_correct(&self, _answer: &str, _reference: &Reference) -> bool {
        let e = self.expected();
        match self.shared_totals() {
            None => {
                let (racy, atomic, locked) = self.totals();
                atomic == e && locked == e && racy <= e
            }
            Some((racy, atomic, locked)) => atomic == e && locked == e && racy <= e && self.totals() == (0, 0, 0),
        }
    }
}

fn build(params: &Params) -> Result<Built, SetupError> {
    let work = Counter::new(
        whole_number(params, "tasks", 10, MAX_TASKS)?,
        whole_number(params, "increments", 1_000_000, MAX_INCREMENTS)?,
    );
    let canonical: Params =
        BTreeMap::from([("tasks".into(), work.tasks.to_string()), ("increments".into(), work.increments.to_string())]);
    Ok((Box::new(work), canonical))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn one_thread_loses_nothing() {
        let c = Counter::new(3, 1_000);
        for i in 0..3 {
            c.run_task(i);
        }
        assert_eq!(c.totals(), (3_000, 3_000, 3_000));
        assert!(c.is_correct("", &c.reference().unwrap()));
        assert!(c.answer(&[]).contains("lost 0"));
    }

    #[test]
    fn real_threads_lose_unsynchronised_updates_only() {
        // Retried: a loss needs two threads to interleave, which is near
        // certain at this size but still up to the scheduler.
        let lost_some = (0..5).any(|_| {
            let c = Counter::new(4, 200_000);
            std::thread::scope(|s| {
                for i in 0..4 {
                    let c = &c;
                    s.spawn(move || c.run_task(i));
                }
            });
            let (racy, atomic, locked) = c.totals();
            assert_eq!((atomic, locked), (800_000, 800_000), "the atomic and the mutex are exact");
            assert!(c.is_correct("", &c.reference().unwrap()));
            racy < 800_000
        });
        assert!(lost_some, "4 threads × 200,000 unsynchronised increments never lost one");
    }

    #[test]
    fn isolated_copies_share_only_the_cells() {
        use crate::core::workload::LocalCells;
        let lost_some = (0..5).any(|_| {
            let cells: Arc<dyn SharedCells> = Arc::new(LocalCells::new(CELLS));
            let run = Counter::new(4, 100_000);
            run.share(cells.clone());
            std::thread::scope(|s| {
                for i in 0..4 {
                    let cells = cells.clone();
                    s.spawn(move || {
                        // A worker's own copy of the workload, on the shared cells.
                        let own = Counter::new(4, 100_000);
                        own.share(cells);
                        own.run_task(i);
                        assert_eq!(own.totals(), (100_000, 100_000, 100_000));
                    });
                }
            });
            assert_eq!(run.totals(), (0, 0, 0), "nobody bumped the run's own copy");
            let (racy, atomic, locked) = run.shared_totals().unwrap();
            assert_eq!((atomic, locked), (400_000, 400_000));
            assert!(run.is_correct("", &run.reference().unwrap()));
            assert!(run.answer(&[]).contains("atomic 400000 · with a lock 400000; not shared: 0 here"));
            racy < 400_000
        });
        assert!(lost_some, "4 workers × 100,000 shared unsynchronised increments never lost one");
        // Cells nobody bumped: wrong (nothing was counted).
        let alone = Counter::new(2, 10);
        alone.share(Arc::new(LocalCells::new(CELLS)));
        assert!(!alone.is_correct("", &alone.reference().unwrap()));
    }

    #[test]
    fn slices_cover_every_increment() {
        let c = Counter::new(1, 25_000);
        let n: u64 = (0..c.slice_count(0)).map(|s| c.run_slice(0, s)).sum();
        assert_eq!(n, 25_000);
        assert_eq!(c.totals(), (25_000, 25_000, 25_000));
    }
}
