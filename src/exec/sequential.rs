//! Sequential: a plain loop on the calling thread, the baseline.

use super::{timed_task, Executor};
use crate::core::clock::Clock;
use crate::core::record::TaskRecord;
use crate::core::workload::Workload;

pub struct Sequential;

impl Executor for Sequential {
    fn threads(&self) -> u32 {
        1
    }

    fn run_tasks(
        &self,
        workload: &dyn Workload,
        clock: &dyn Clock,
        t0: f64,
    ) -> Vec<(u64, TaskRecord)> {
        (0..workload.task_count())
            .map(|i| timed_task(workload, i, 0, clock, t0))
            .collect()
    }
}
