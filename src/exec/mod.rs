//! Execution modes: one [`Executor`] per mode, chosen in one `match`
//! ([`executor`]). Every mode yields the same [`RunRecord`], checked against
//! the workload's reference answer, so the page treats all modes alike.
//!
//! Executors are plain Rust: on the host the pool mode runs on native rayon
//! threads, in the browser on wasm-bindgen-rayon's Web Workers. Whoever
//! calls them decides which rayon pool is current.

mod pool;
mod sequential;

use crate::core::clock::Clock;
use crate::core::mode::Mode;
use crate::core::record::{RunRecord, TaskRecord};
use crate::core::workload::{Reference, Workload};

pub use pool::Pool;
pub use sequential::Sequential;

/// Runs every task of a workload and reports each one.
pub trait Executor: Sync {
    /// Threads that may run tasks.
    fn threads(&self) -> u32;
    /// Runs all tasks; returns their values and records in task order, with
    /// times relative to `t0` on `clock`.
    fn run_tasks(
        &self,
        workload: &dyn Workload,
        clock: &dyn Clock,
        t0: f64,
    ) -> Vec<(u64, TaskRecord)>;
}

/// The executor for `mode`: the one place a mode is chosen.
pub fn executor(mode: Mode) -> Box<dyn Executor> {
    match mode {
        Mode::Sequential => Box::new(Sequential),
        Mode::Pool => Box::new(Pool),
    }
}

/// Runs `workload` in `mode`, times it and checks its answer against
/// `reference`, or, without one, against an earlier `sequential` run.
pub fn run_mode(
    mode: Mode,
    workload: &dyn Workload,
    clock: &dyn Clock,
    reference: Option<&Reference>,
    sequential: Option<&RunRecord>,
) -> RunRecord {
    let exec = executor(mode);
    let t0 = clock.now_ms();
    let done = exec.run_tasks(workload, clock, t0);
    let wall_ms = clock.now_ms() - t0;
    let values: Vec<u64> = done.iter().map(|(v, _)| *v).collect();
    let result = workload.answer(&values);
    let (correct, checked_against) = match (reference, sequential) {
        (Some(r), _) => (Some(r.answer == result), r.source.to_string()),
        (None, Some(s)) if mode != Mode::Sequential => {
            (Some(s.result == result), "sequential run".to_string())
        }
        _ => (None, "nothing".to_string()),
    };
    RunRecord {
        mode,
        threads: exec.threads(),
        wall_ms,
        result,
        correct,
        checked_against,
        tasks: done.into_iter().map(|(_, t)| t).collect(),
    }
}

/// Runs task `index` on the calling thread and records it.
fn timed_task(
    workload: &dyn Workload,
    index: usize,
    worker: u32,
    clock: &dyn Clock,
    t0: f64,
) -> (u64, TaskRecord) {
    let start = clock.now_ms();
    let value = workload.run_task(index);
    let end = clock.now_ms();
    let record = TaskRecord {
        index,
        label: workload.task_label(index),
        worker,
        start_ms: start - t0,
        end_ms: end - t0,
        result: value.to_string(),
    };
    (value, record)
}

// Native rayon threads and the host clock: host only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::clock::HostClock;
    use crate::core::primes::Primes;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
    }

    #[test]
    fn sequential_and_pool_agree_with_the_known_answers() {
        let w = Primes::new(vec![1_000_000, 2_000_000], Some(250_000)).unwrap();
        let r = w.reference();
        let seq = run_mode(Mode::Sequential, &w, &HostClock, r.as_ref(), None);
        let par = pool(2).install(|| run_mode(Mode::Pool, &w, &HostClock, r.as_ref(), Some(&seq)));
        for run in [&seq, &par] {
            assert_eq!(run.result, "37550402023,142913828922");
            assert_eq!(run.correct, Some(true));
            assert_eq!(run.checked_against, "known answers");
            assert_eq!(run.tasks.len(), 12);
            assert!(
                run.tasks.iter().enumerate().all(|(i, t)| t.index == i),
                "task order kept"
            );
            assert!(run.tasks.iter().all(|t| t.start_ms >= 0.0
                && t.end_ms >= t.start_ms
                && t.end_ms <= run.wall_ms + 1e-6));
        }
        assert_eq!(seq.threads, 1);
        assert_eq!(par.threads, 2);
        assert!(seq.tasks.iter().all(|t| t.worker == 0));
        assert!(par.tasks.iter().all(|t| t.worker < 2));
    }

    #[test]
    fn pool_spreads_tasks_over_its_threads() {
        // 64 tasks of ~1 ms each on 4 threads: every thread gets some.
        let w = Primes::new(vec![2_000_000], Some(31_250)).unwrap();
        let run = pool(4).install(|| run_mode(Mode::Pool, &w, &HostClock, None, None));
        assert!(
            run.workers_used() >= 2,
            "only {} worker(s) used",
            run.workers_used()
        );
        assert_eq!(run.correct, None);
        assert_eq!(run.checked_against, "nothing");
    }

    /// A workload whose reference is wrong must be marked incorrect: the
    /// check can fail.
    #[test]
    fn a_wrong_answer_is_marked_wrong() {
        struct Liar(Primes);
        impl Workload for Liar {
            fn task_count(&self) -> usize {
                self.0.task_count()
            }
            fn task_label(&self, i: usize) -> String {
                self.0.task_label(i)
            }
            fn run_task(&self, i: usize) -> u64 {
                self.0.run_task(i) + 1
            }
            fn answer(&self, v: &[u64]) -> String {
                self.0.answer(v)
            }
            fn reference(&self) -> Option<Reference> {
                self.0.reference()
            }
        }
        let w = Liar(Primes::new(vec![100], None).unwrap());
        let r = w.reference();
        let run = run_mode(Mode::Sequential, &w, &HostClock, r.as_ref(), None);
        assert_eq!(run.correct, Some(false));
        let p = pool(2).install(|| run_mode(Mode::Pool, &w, &HostClock, None, Some(&run)));
        assert_eq!(
            p.correct,
            Some(true),
            "agrees with the (equally wrong) sequential run"
        );
    }
}
