//! Thread pool: rayon's work-stealing pool. In the browser its threads are
//! Web Workers on one shared memory (wasm-bindgen-rayon); on the host,
//! native threads. Results come back in task order, like `Pool.map`.

use rayon::prelude::*;

use super::{timed_task, Executor};
use crate::core::clock::Clock;
use crate::core::record::TaskRecord;
use crate::core::workload::Workload;

/// Runs on the current rayon pool (the global one unless the caller
/// `install`s another).
pub struct Pool;

impl Executor for Pool {
    fn threads(&self) -> u32 {
        rayon::current_num_threads() as u32
    }

    fn run_tasks(
        &self,
        workload: &dyn Workload,
        clock: &dyn Clock,
        t0: f64,
    ) -> Vec<(u64, TaskRecord)> {
        (0..workload.task_count())
            .into_par_iter()
            // One task per split at most: tasks are coarse and uneven, so
            // every task must be stealable on its own.
            .with_max_len(1)
            .map(|i| {
                let worker = rayon::current_thread_index().unwrap_or(0) as u32;
                timed_task(workload, i, worker, clock, t0)
            })
            .collect()
    }
}
